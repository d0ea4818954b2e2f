import { graphql } from '../gql';

export const FeedQuery = graphql(`
  query Feed {
    feed {
      rows {
        slug
        name
        kind
        titles(first: 20) {
          edges {
            node {
              id
              name
              posterUrl
              minPlan
              progress {
                fraction
                episode {
                  id
                  number
                  season {
                    id
                    number
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`);
