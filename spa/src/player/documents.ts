import { graphql } from '../gql';

export const StartPlaybackMutation = graphql(`
  mutation StartPlayback($input: StartPlaybackInput!) {
    startPlayback(input: $input) {
      id
      manifestUrl
      maxHeight
      resumePositionSeconds
      heartbeatIntervalSeconds
      introStart
      introEnd
      creditsStart
      chapters {
        start
        end
        title
      }
      title {
        id
        name
        seasons {
          number
          episodes {
            id
            number
            video {
              status
            }
          }
        }
      }
      episode {
        id
        number
        name
      }
    }
  }
`);

export const ReportProgressMutation = graphql(`
  mutation ReportProgress($input: ReportProgressInput!) {
    reportProgress(input: $input)
  }
`);

export const ReportQoeMutation = graphql(`
  mutation ReportPlaybackQoe($input: PlaybackQoeInput!) {
    reportPlaybackQoe(input: $input)
  }
`);

export const EndPlaybackMutation = graphql(`
  mutation EndPlayback($sessionId: ID!) {
    endPlayback(sessionId: $sessionId) {
      reason
      title {
        id
        name
        posterUrl
      }
      episode {
        id
        number
        name
      }
    }
  }
`);

export const HeartbeatSubscription = graphql(`
  subscription PlaybackHeartbeat($sessionId: ID!) {
    playbackHeartbeat(sessionId: $sessionId) {
      sessionId
      status
      activeStreams
      maxStreams
      at
    }
  }
`);
