import { graphql } from '../gql';

export const UploadVideoDocument = graphql(`
  mutation UploadVideo($titleId: ID!, $episodeId: ID, $file: Upload!) {
    uploadVideo(titleId: $titleId, episodeId: $episodeId, file: $file) {
      id
      status
    }
  }
`);

export const UploadArtworkDocument = graphql(`
  mutation UploadArtwork($titleId: ID!, $kind: ArtworkKind!, $file: Upload!) {
    uploadArtwork(titleId: $titleId, kind: $kind, file: $file) {
      id
      posterUrl
      backdropUrl
      logoUrl
    }
  }
`);

export const TranscodeProgressSubscription = graphql(`
  subscription TranscodeProgress($videoId: ID!) {
    transcodeProgress(videoId: $videoId) {
      videoId
      status
      percent
      failureReason
    }
  }
`);

export const AdminTitleQuery = graphql(`
  query AdminTitle($id: ID!) {
    title(id: $id) {
      id
      kind
      name
      synopsis
      year
      genres
      maturityRating
      minPlan
      regions
      runtimeMinutes
      posterUrl
      backdropUrl
      logoUrl
      credits {
        role
        character
        person {
          name
        }
      }
      video {
        ...AdminVideo
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
            ...AdminVideo
          }
        }
      }
    }
  }

  fragment AdminVideo on Video {
    id
    status
    durationSeconds
    failureReason
    introStart
    introEnd
    creditsStart
    encodingLadder {
      method
      rungs {
        name
        width
        height
        crf
        targetBitrate
        averageBitrate
        published
        droppedReason
      }
    }
  }
`);

export const AdminSearchQuery = graphql(`
  query AdminSearch($query: String!) {
    search(query: $query, first: 20) {
      edges {
        node {
          id
          name
          kind
          year
        }
      }
    }
  }
`);

export const UpdateTitleMutation = graphql(`
  mutation UpdateTitle($id: ID!, $input: UpdateTitleInput!) {
    updateTitle(id: $id, input: $input) {
      id
      name
    }
  }
`);

export const DeleteTitleMutation = graphql(`
  mutation DeleteTitle($id: ID!) {
    deleteTitle(id: $id)
  }
`);

export const CreateSeasonMutation = graphql(`
  mutation CreateSeason($input: CreateSeasonInput!) {
    createSeason(input: $input) {
      id
    }
  }
`);

export const UpdateSeasonMutation = graphql(`
  mutation UpdateSeason($id: ID!, $input: UpdateSeasonInput!) {
    updateSeason(id: $id, input: $input) {
      id
    }
  }
`);

export const DeleteSeasonMutation = graphql(`
  mutation DeleteSeason($id: ID!) {
    deleteSeason(id: $id)
  }
`);

export const CreateEpisodeMutation = graphql(`
  mutation CreateEpisode($input: CreateEpisodeInput!) {
    createEpisode(input: $input) {
      id
    }
  }
`);

export const UpdateEpisodeMutation = graphql(`
  mutation UpdateEpisode($id: ID!, $input: UpdateEpisodeInput!) {
    updateEpisode(id: $id, input: $input) {
      id
    }
  }
`);

export const DeleteEpisodeMutation = graphql(`
  mutation DeleteEpisode($id: ID!) {
    deleteEpisode(id: $id)
  }
`);

export const SetVideoMarkersMutation = graphql(`
  mutation SetVideoMarkers($videoId: ID!, $input: VideoMarkersInput!) {
    setVideoMarkers(videoId: $videoId, input: $input) {
      id
      introStart
      introEnd
      creditsStart
    }
  }
`);

export const StartLibraryScanMutation = graphql(`
  mutation StartLibraryScan($path: String!) {
    startLibraryScan(path: $path) {
      id
    }
  }
`);

export const LibraryScanProgressSubscription = graphql(`
  subscription LibraryScanProgress($id: ID!) {
    libraryScanProgress(id: $id) {
      id
      state
      done
      total
      current
      added
      updated
      unchanged
      skipped {
        path
        why
      }
      missing
      notes {
        path
        why
      }
      error
    }
  }
`);
