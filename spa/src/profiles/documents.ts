import { graphql } from '../gql';

/** What the app shows of a profile; the header's (MeQuery) uses it too. */
export const ProfileFieldsFragment = graphql(`
  fragment ProfileFields on Profile {
    id
    name
    kids
    maturityCeiling
    language
    hasPin
  }
`);

export const ProfilesQuery = graphql(`
  query Profiles {
    profiles {
      ...ProfileFields
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
      ...ProfileFields
    }
  }
`);

export const UpdateProfileMutation = graphql(`
  mutation UpdateProfile($id: ID!, $input: UpdateProfileInput!) {
    updateProfile(id: $id, input: $input) {
      ...ProfileFields
    }
  }
`);

export const DeleteProfileMutation = graphql(`
  mutation DeleteProfile($id: ID!, $password: String) {
    deleteProfile(id: $id, password: $password)
  }
`);
