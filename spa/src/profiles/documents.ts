import { graphql } from '../gql';

export const ProfilesQuery = graphql(`
  query Profiles {
    profiles {
      id
      name
      kids
      maturityCeiling
      language
      hasPin
    }
  }
`);

export const SelectProfileMutation = graphql(`
  mutation SelectProfile($id: ID!, $pin: String) {
    selectProfile(id: $id, pin: $pin) {
      id
    }
  }
`);

export const CreateProfileMutation = graphql(`
  mutation CreateProfile($input: CreateProfileInput!) {
    createProfile(input: $input) {
      id
      name
      kids
      maturityCeiling
      language
      hasPin
    }
  }
`);

export const UpdateProfileMutation = graphql(`
  mutation UpdateProfile($id: ID!, $input: UpdateProfileInput!) {
    updateProfile(id: $id, input: $input) {
      id
      name
      kids
      maturityCeiling
      language
      hasPin
    }
  }
`);

export const DeleteProfileMutation = graphql(`
  mutation DeleteProfile($id: ID!, $password: String) {
    deleteProfile(id: $id, password: $password)
  }
`);
