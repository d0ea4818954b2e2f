import { graphql } from '../gql';

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      emailVerified
      name
      country
      role
      profile {
        ...ProfileFields
      }
      membership {
        id
        status
        currentPeriodEnd
        plan {
          id
          code
          name
          maxHeight
        }
      }
    }
  }
`);

export const SignupMutation = graphql(`
  mutation Signup($input: SignupInput!) {
    signup(input: $input) {
      user {
        id
      }
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      user {
        id
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

export const ResetPasswordMutation = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword) {
      user {
        id
      }
    }
  }
`);

export const VerifyEmailMutation = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token)
  }
`);

export const ResendVerificationMutation = graphql(`
  mutation ResendVerification {
    resendVerification
  }
`);
