import { graphql } from '../gql';

export const TitleQuery = graphql(`
  query TitleDetail($id: ID!) {
    title(id: $id) {
      id
      kind
      name
      synopsis
      year
      maturityRating
      genres
      runtimeMinutes
      averageRating
      ratingCount
      myRating
      posterUrl
      minPlan
      credits {
        role
        character
        person {
          id
          name
        }
      }
      availableInMyRegion
      inMyList
      progress {
        positionSeconds
        durationSeconds
        fraction
        completed
        episode {
          id
          number
          name
        }
      }
      seasons {
        id
        number
        name
        episodes {
          id
          number
          name
          synopsis
          runtimeMinutes
          video {
            status
            posterUrl
          }
        }
      }
      video {
        id
        status
        durationSeconds
      }
      similar(first: 12) {
        id
        name
        posterUrl
        minPlan
      }
    }
  }
`);

export const RateTitleMutation = graphql(`
  mutation RateTitle($titleId: ID!, $stars: Int!) {
    rateTitle(titleId: $titleId, stars: $stars) {
      id
      myRating
      averageRating
      ratingCount
    }
  }
`);

export const AddToMyListMutation = graphql(`
  mutation AddToMyList($titleId: ID!) {
    addToMyList(titleId: $titleId) {
      id
      inMyList
    }
  }
`);

export const RemoveFromMyListMutation = graphql(`
  mutation RemoveFromMyList($titleId: ID!) {
    removeFromMyList(titleId: $titleId) {
      id
      inMyList
    }
  }
`);
