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

/** What the home's hero shows of a title. */
export const HeroTitleFragment = graphql(`
  fragment HeroTitle on Title {
    id
    name
    synopsis
    year
    maturityRating
    posterUrl
    backdropUrl
    logoUrl
    minPlan
    inMyList
    kind
    video {
      id
      status
    }
  }
`);

/** Candidates for the home's hero, best first: what is recommended, trending, new. */
export const HeroQuery = graphql(`
  query Hero {
    recommended: category(slug: "recommended") {
      titles(first: 3) {
        edges {
          node {
            ...HeroTitle
          }
        }
      }
    }
    trending: category(slug: "trending") {
      titles(first: 3) {
        edges {
          node {
            ...HeroTitle
          }
        }
      }
    }
    fresh: category(slug: "new-releases") {
      titles(first: 3) {
        edges {
          node {
            ...HeroTitle
          }
        }
      }
    }
  }
`);
