/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Account {\n    me {\n      id\n      name\n      email\n      country\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        canceledAt\n        graceUntil\n        cardBrand\n        cardLast4\n        paymentMethod\n        plan {\n          id\n          code\n          name\n          priceCents\n          currency\n        }\n      }\n      payments(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) {\n        totalCount\n        edges {\n          node {\n            id\n            createdAt\n            plan\n            amountCents\n            currency\n            status\n            reason\n            method\n            brand\n            last4\n            paypalEmail\n            failureMessage\n          }\n        }\n      }\n    }\n  }\n": typeof types.AccountDocument,
    "\n  mutation CancelMembership {\n    cancelMembership {\n      id\n      status\n      canceledAt\n      currentPeriodEnd\n    }\n  }\n": typeof types.CancelMembershipDocument,
    "\n  query Sessions {\n    sessions {\n      id\n      device\n      ip\n      createdAt\n      lastUsedAt\n      current\n    }\n  }\n": typeof types.SessionsDocument,
    "\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(currentPassword: $current, newPassword: $next)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation ChangeEmail($email: String!, $password: String!) {\n    changeEmail(newEmail: $email, password: $password)\n  }\n": typeof types.ChangeEmailDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation RevokeOtherSessions {\n    revokeOtherSessions\n  }\n": typeof types.RevokeOtherSessionsDocument,
    "\n  mutation ExportMyData {\n    exportMyData\n  }\n": typeof types.ExportMyDataDocument,
    "\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n": typeof types.DeleteAccountDocument,
    "\n  mutation CreateTitle($input: CreateTitleInput!) {\n    createTitle(input: $input) {\n      id\n      name\n      kind\n    }\n  }\n": typeof types.CreateTitleDocument,
    "\n  query Integrations {\n    apiKeys {\n      id\n      label\n      prefix\n      scopes\n      rateLimitPerMinute\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n      active\n    }\n    webhooks {\n      id\n      url\n      events\n      createdAt\n    }\n  }\n": typeof types.IntegrationsDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      key {\n        id\n        label\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      id\n      url\n    }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": typeof types.DeleteWebhookDocument,
    "\n  query WebhookDeliveries($id: ID!) {\n    webhookDeliveries(webhookId: $id, first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          event\n          status\n          attempts\n          responseCode\n          latencyMs\n          error\n          createdAt\n          nextAttemptAt\n        }\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      id\n      status\n    }\n  }\n": typeof types.RedeliverDocument,
    "\n  query QoeReport($days: Int!) {\n    qoeReport(days: $days) {\n      days {\n        day\n        plays\n        startupP50Ms\n        startupP95Ms\n        rebufferRatio\n        failures\n      }\n      rungs {\n        height\n        plays\n        seconds\n      }\n      errors {\n        message\n        count\n      }\n    }\n  }\n": typeof types.QoeReportDocument,
    "\n  mutation UploadVideo($titleId: ID!, $episodeId: ID, $file: Upload!) {\n    uploadVideo(titleId: $titleId, episodeId: $episodeId, file: $file) {\n      id\n      status\n    }\n  }\n": typeof types.UploadVideoDocument,
    "\n  mutation UploadArtwork($titleId: ID!, $kind: ArtworkKind!, $file: Upload!) {\n    uploadArtwork(titleId: $titleId, kind: $kind, file: $file) {\n      id\n      posterUrl\n      backdropUrl\n      logoUrl\n    }\n  }\n": typeof types.UploadArtworkDocument,
    "\n  subscription TranscodeProgress($videoId: ID!) {\n    transcodeProgress(videoId: $videoId) {\n      videoId\n      status\n      percent\n      failureReason\n    }\n  }\n": typeof types.TranscodeProgressDocument,
    "\n  query AdminTitle($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      genres\n      maturityRating\n      minPlan\n      regions\n      runtimeMinutes\n      posterUrl\n      backdropUrl\n      logoUrl\n      credits {\n        role\n        character\n        person {\n          name\n        }\n      }\n      video {\n        ...AdminVideo\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            ...AdminVideo\n          }\n        }\n      }\n    }\n  }\n\n  fragment AdminVideo on Video {\n    id\n    status\n    durationSeconds\n    failureReason\n    introStart\n    introEnd\n    creditsStart\n    encodingLadder {\n      method\n      rungs {\n        name\n        width\n        height\n        crf\n        targetBitrate\n        averageBitrate\n        published\n        droppedReason\n      }\n    }\n  }\n": typeof types.AdminTitleDocument,
    "\n  query AdminSearch($query: String!) {\n    search(query: $query, first: 20) {\n      edges {\n        node {\n          id\n          name\n          kind\n          year\n        }\n      }\n    }\n  }\n": typeof types.AdminSearchDocument,
    "\n  mutation UpdateTitle($id: ID!, $input: UpdateTitleInput!) {\n    updateTitle(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.UpdateTitleDocument,
    "\n  mutation DeleteTitle($id: ID!) {\n    deleteTitle(id: $id)\n  }\n": typeof types.DeleteTitleDocument,
    "\n  mutation CreateSeason($input: CreateSeasonInput!) {\n    createSeason(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateSeasonDocument,
    "\n  mutation UpdateSeason($id: ID!, $input: UpdateSeasonInput!) {\n    updateSeason(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.UpdateSeasonDocument,
    "\n  mutation DeleteSeason($id: ID!) {\n    deleteSeason(id: $id)\n  }\n": typeof types.DeleteSeasonDocument,
    "\n  mutation CreateEpisode($input: CreateEpisodeInput!) {\n    createEpisode(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateEpisodeDocument,
    "\n  mutation UpdateEpisode($id: ID!, $input: UpdateEpisodeInput!) {\n    updateEpisode(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.UpdateEpisodeDocument,
    "\n  mutation DeleteEpisode($id: ID!) {\n    deleteEpisode(id: $id)\n  }\n": typeof types.DeleteEpisodeDocument,
    "\n  mutation SetVideoMarkers($videoId: ID!, $input: VideoMarkersInput!) {\n    setVideoMarkers(videoId: $videoId, input: $input) {\n      id\n      introStart\n      introEnd\n      creditsStart\n    }\n  }\n": typeof types.SetVideoMarkersDocument,
    "\n  mutation StartLibraryScan($path: String!) {\n    startLibraryScan(path: $path) {\n      id\n    }\n  }\n": typeof types.StartLibraryScanDocument,
    "\n  subscription LibraryScanProgress($id: ID!) {\n    libraryScanProgress(id: $id) {\n      id\n      state\n      done\n      total\n      current\n      added\n      updated\n      unchanged\n      skipped {\n        path\n        why\n      }\n      missing\n      notes {\n        path\n        why\n      }\n      error\n    }\n  }\n": typeof types.LibraryScanProgressDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      emailVerified\n      name\n      country\n      role\n      profile {\n        ...ProfileFields\n      }\n      membership {\n        id\n        status\n        currentPeriodEnd\n        plan {\n          id\n          code\n          name\n          maxHeight\n        }\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n": typeof types.SignupDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      user {\n        id\n      }\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n": typeof types.VerifyEmailDocument,
    "\n  mutation ResendVerification {\n    resendVerification\n  }\n": typeof types.ResendVerificationDocument,
    "\n  query Category($slug: String!, $first: Int!, $after: Cursor) {\n    category(slug: $slug) {\n      slug\n      name\n      titles(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n": typeof types.CategoryDocument,
    "\n  query Feed {\n    feed {\n      rows {\n        slug\n        name\n        kind\n        titles(first: 20) {\n          edges {\n            node {\n              id\n              name\n              posterUrl\n              minPlan\n              progress {\n                fraction\n                episode {\n                  id\n                  number\n                  season {\n                    id\n                    number\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.FeedDocument,
    "\n  fragment HeroTitle on Title {\n    id\n    name\n    synopsis\n    year\n    maturityRating\n    posterUrl\n    backdropUrl\n    logoUrl\n    minPlan\n    inMyList\n    kind\n    video {\n      id\n      status\n    }\n  }\n": typeof types.HeroTitleFragmentDoc,
    "\n  query Hero {\n    recommended: category(slug: \"recommended\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    trending: category(slug: \"trending\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    fresh: category(slug: \"new-releases\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n  }\n": typeof types.HeroDocument,
    "\n  query Showcase {\n    fresh: category(slug: \"new-releases\") {\n      ...ShowcaseRow\n    }\n    trending: category(slug: \"trending\") {\n      ...ShowcaseRow\n    }\n  }\n": typeof types.ShowcaseDocument,
    "\n  fragment ShowcaseRow on Category {\n    titles(first: 12) {\n      edges {\n        node {\n          id\n          name\n          posterUrl\n          backdropUrl\n        }\n      }\n    }\n  }\n": typeof types.ShowcaseRowFragmentDoc,
    "\n  query Plans {\n    plans {\n      id\n      code\n      name\n      priceCents\n      currency\n      maxStreams\n      maxHeight\n    }\n  }\n": typeof types.PlansDocument,
    "\n  mutation Subscribe($input: SubscribeInput!) {\n    subscribe(input: $input) {\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        plan {\n          id\n          code\n          name\n        }\n      }\n      payment {\n        id\n        status\n        amountCents\n        currency\n      }\n    }\n  }\n": typeof types.SubscribeDocument,
    "\n  query ChangePreview($plan: PlanCode!) {\n    membershipChangePreview(plan: $plan) {\n      change\n      amountCents\n      currency\n      effectiveAt\n      renewsAt\n      quotedAt\n      plan {\n        id\n        name\n        priceCents\n      }\n    }\n  }\n": typeof types.ChangePreviewDocument,
    "\n  mutation StartPlayback($input: StartPlaybackInput!) {\n    startPlayback(input: $input) {\n      id\n      manifestUrl\n      maxHeight\n      resumePositionSeconds\n      heartbeatIntervalSeconds\n      introStart\n      introEnd\n      creditsStart\n      chapters {\n        start\n        end\n        title\n      }\n      title {\n        id\n        name\n        seasons {\n          number\n          episodes {\n            id\n            number\n            video {\n              status\n            }\n          }\n        }\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n": typeof types.StartPlaybackDocument,
    "\n  mutation ReportProgress($input: ReportProgressInput!) {\n    reportProgress(input: $input)\n  }\n": typeof types.ReportProgressDocument,
    "\n  mutation ReportPlaybackQoe($input: PlaybackQoeInput!) {\n    reportPlaybackQoe(input: $input)\n  }\n": typeof types.ReportPlaybackQoeDocument,
    "\n  mutation EndPlayback($sessionId: ID!) {\n    endPlayback(sessionId: $sessionId) {\n      reason\n      title {\n        id\n        name\n        posterUrl\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n": typeof types.EndPlaybackDocument,
    "\n  subscription PlaybackHeartbeat($sessionId: ID!) {\n    playbackHeartbeat(sessionId: $sessionId) {\n      sessionId\n      status\n      activeStreams\n      maxStreams\n      at\n    }\n  }\n": typeof types.PlaybackHeartbeatDocument,
    "\n  fragment ProfileFields on Profile {\n    id\n    name\n    kids\n    maturityCeiling\n    language\n    hasPin\n  }\n": typeof types.ProfileFieldsFragmentDoc,
    "\n  query Profiles {\n    profiles {\n      ...ProfileFields\n    }\n  }\n": typeof types.ProfilesDocument,
    "\n  mutation SelectProfile($id: ID!, $pin: String) {\n    selectProfile(id: $id, pin: $pin) {\n      id\n    }\n  }\n": typeof types.SelectProfileDocument,
    "\n  mutation CreateProfile($input: CreateProfileInput!) {\n    createProfile(input: $input) {\n      ...ProfileFields\n    }\n  }\n": typeof types.CreateProfileDocument,
    "\n  mutation UpdateProfile($id: ID!, $input: UpdateProfileInput!) {\n    updateProfile(id: $id, input: $input) {\n      ...ProfileFields\n    }\n  }\n": typeof types.UpdateProfileDocument,
    "\n  mutation DeleteProfile($id: ID!, $password: String) {\n    deleteProfile(id: $id, password: $password)\n  }\n": typeof types.DeleteProfileDocument,
    "\n  query Search($query: String!, $first: Int!, $after: Cursor, $filter: SearchFilter) {\n    search(query: $query, first: $first, after: $after, filter: $filter) {\n      totalCount\n      genreFacets {\n        slug\n        name\n        count\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          year\n          kind\n          posterUrl\n          minPlan\n        }\n      }\n    }\n  }\n": typeof types.SearchDocument,
    "\n  query SearchSuggestions {\n    categories(first: 40) {\n      edges {\n        node {\n          slug\n          name\n          kind\n        }\n      }\n    }\n    category(slug: \"trending\") {\n      titles(first: 12) {\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n": typeof types.SearchSuggestionsDocument,
    "\n  query TitleDetail($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      maturityRating\n      genres\n      runtimeMinutes\n      averageRating\n      ratingCount\n      myRating\n      posterUrl\n      minPlan\n      credits {\n        role\n        character\n        person {\n          id\n          name\n        }\n      }\n      availableInMyRegion\n      inMyList\n      progress {\n        positionSeconds\n        durationSeconds\n        fraction\n        completed\n        episode {\n          id\n          number\n          name\n        }\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            status\n            posterUrl\n          }\n        }\n      }\n      video {\n        id\n        status\n        durationSeconds\n      }\n      similar(first: 12) {\n        id\n        name\n        posterUrl\n        minPlan\n      }\n    }\n  }\n": typeof types.TitleDetailDocument,
    "\n  mutation RateTitle($titleId: ID!, $stars: Int!) {\n    rateTitle(titleId: $titleId, stars: $stars) {\n      id\n      myRating\n      averageRating\n      ratingCount\n    }\n  }\n": typeof types.RateTitleDocument,
    "\n  mutation AddToMyList($titleId: ID!) {\n    addToMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n": typeof types.AddToMyListDocument,
    "\n  mutation RemoveFromMyList($titleId: ID!) {\n    removeFromMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n": typeof types.RemoveFromMyListDocument,
};
const documents: Documents = {
    "\n  query Account {\n    me {\n      id\n      name\n      email\n      country\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        canceledAt\n        graceUntil\n        cardBrand\n        cardLast4\n        paymentMethod\n        plan {\n          id\n          code\n          name\n          priceCents\n          currency\n        }\n      }\n      payments(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) {\n        totalCount\n        edges {\n          node {\n            id\n            createdAt\n            plan\n            amountCents\n            currency\n            status\n            reason\n            method\n            brand\n            last4\n            paypalEmail\n            failureMessage\n          }\n        }\n      }\n    }\n  }\n": types.AccountDocument,
    "\n  mutation CancelMembership {\n    cancelMembership {\n      id\n      status\n      canceledAt\n      currentPeriodEnd\n    }\n  }\n": types.CancelMembershipDocument,
    "\n  query Sessions {\n    sessions {\n      id\n      device\n      ip\n      createdAt\n      lastUsedAt\n      current\n    }\n  }\n": types.SessionsDocument,
    "\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(currentPassword: $current, newPassword: $next)\n  }\n": types.ChangePasswordDocument,
    "\n  mutation ChangeEmail($email: String!, $password: String!) {\n    changeEmail(newEmail: $email, password: $password)\n  }\n": types.ChangeEmailDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": types.RevokeSessionDocument,
    "\n  mutation RevokeOtherSessions {\n    revokeOtherSessions\n  }\n": types.RevokeOtherSessionsDocument,
    "\n  mutation ExportMyData {\n    exportMyData\n  }\n": types.ExportMyDataDocument,
    "\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n": types.DeleteAccountDocument,
    "\n  mutation CreateTitle($input: CreateTitleInput!) {\n    createTitle(input: $input) {\n      id\n      name\n      kind\n    }\n  }\n": types.CreateTitleDocument,
    "\n  query Integrations {\n    apiKeys {\n      id\n      label\n      prefix\n      scopes\n      rateLimitPerMinute\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n      active\n    }\n    webhooks {\n      id\n      url\n      events\n      createdAt\n    }\n  }\n": types.IntegrationsDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      key {\n        id\n        label\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": types.RevokeApiKeyDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      id\n      url\n    }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": types.DeleteWebhookDocument,
    "\n  query WebhookDeliveries($id: ID!) {\n    webhookDeliveries(webhookId: $id, first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          event\n          status\n          attempts\n          responseCode\n          latencyMs\n          error\n          createdAt\n          nextAttemptAt\n        }\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      id\n      status\n    }\n  }\n": types.RedeliverDocument,
    "\n  query QoeReport($days: Int!) {\n    qoeReport(days: $days) {\n      days {\n        day\n        plays\n        startupP50Ms\n        startupP95Ms\n        rebufferRatio\n        failures\n      }\n      rungs {\n        height\n        plays\n        seconds\n      }\n      errors {\n        message\n        count\n      }\n    }\n  }\n": types.QoeReportDocument,
    "\n  mutation UploadVideo($titleId: ID!, $episodeId: ID, $file: Upload!) {\n    uploadVideo(titleId: $titleId, episodeId: $episodeId, file: $file) {\n      id\n      status\n    }\n  }\n": types.UploadVideoDocument,
    "\n  mutation UploadArtwork($titleId: ID!, $kind: ArtworkKind!, $file: Upload!) {\n    uploadArtwork(titleId: $titleId, kind: $kind, file: $file) {\n      id\n      posterUrl\n      backdropUrl\n      logoUrl\n    }\n  }\n": types.UploadArtworkDocument,
    "\n  subscription TranscodeProgress($videoId: ID!) {\n    transcodeProgress(videoId: $videoId) {\n      videoId\n      status\n      percent\n      failureReason\n    }\n  }\n": types.TranscodeProgressDocument,
    "\n  query AdminTitle($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      genres\n      maturityRating\n      minPlan\n      regions\n      runtimeMinutes\n      posterUrl\n      backdropUrl\n      logoUrl\n      credits {\n        role\n        character\n        person {\n          name\n        }\n      }\n      video {\n        ...AdminVideo\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            ...AdminVideo\n          }\n        }\n      }\n    }\n  }\n\n  fragment AdminVideo on Video {\n    id\n    status\n    durationSeconds\n    failureReason\n    introStart\n    introEnd\n    creditsStart\n    encodingLadder {\n      method\n      rungs {\n        name\n        width\n        height\n        crf\n        targetBitrate\n        averageBitrate\n        published\n        droppedReason\n      }\n    }\n  }\n": types.AdminTitleDocument,
    "\n  query AdminSearch($query: String!) {\n    search(query: $query, first: 20) {\n      edges {\n        node {\n          id\n          name\n          kind\n          year\n        }\n      }\n    }\n  }\n": types.AdminSearchDocument,
    "\n  mutation UpdateTitle($id: ID!, $input: UpdateTitleInput!) {\n    updateTitle(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n": types.UpdateTitleDocument,
    "\n  mutation DeleteTitle($id: ID!) {\n    deleteTitle(id: $id)\n  }\n": types.DeleteTitleDocument,
    "\n  mutation CreateSeason($input: CreateSeasonInput!) {\n    createSeason(input: $input) {\n      id\n    }\n  }\n": types.CreateSeasonDocument,
    "\n  mutation UpdateSeason($id: ID!, $input: UpdateSeasonInput!) {\n    updateSeason(id: $id, input: $input) {\n      id\n    }\n  }\n": types.UpdateSeasonDocument,
    "\n  mutation DeleteSeason($id: ID!) {\n    deleteSeason(id: $id)\n  }\n": types.DeleteSeasonDocument,
    "\n  mutation CreateEpisode($input: CreateEpisodeInput!) {\n    createEpisode(input: $input) {\n      id\n    }\n  }\n": types.CreateEpisodeDocument,
    "\n  mutation UpdateEpisode($id: ID!, $input: UpdateEpisodeInput!) {\n    updateEpisode(id: $id, input: $input) {\n      id\n    }\n  }\n": types.UpdateEpisodeDocument,
    "\n  mutation DeleteEpisode($id: ID!) {\n    deleteEpisode(id: $id)\n  }\n": types.DeleteEpisodeDocument,
    "\n  mutation SetVideoMarkers($videoId: ID!, $input: VideoMarkersInput!) {\n    setVideoMarkers(videoId: $videoId, input: $input) {\n      id\n      introStart\n      introEnd\n      creditsStart\n    }\n  }\n": types.SetVideoMarkersDocument,
    "\n  mutation StartLibraryScan($path: String!) {\n    startLibraryScan(path: $path) {\n      id\n    }\n  }\n": types.StartLibraryScanDocument,
    "\n  subscription LibraryScanProgress($id: ID!) {\n    libraryScanProgress(id: $id) {\n      id\n      state\n      done\n      total\n      current\n      added\n      updated\n      unchanged\n      skipped {\n        path\n        why\n      }\n      missing\n      notes {\n        path\n        why\n      }\n      error\n    }\n  }\n": types.LibraryScanProgressDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      emailVerified\n      name\n      country\n      role\n      profile {\n        ...ProfileFields\n      }\n      membership {\n        id\n        status\n        currentPeriodEnd\n        plan {\n          id\n          code\n          name\n          maxHeight\n        }\n      }\n    }\n  }\n": types.MeDocument,
    "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n": types.SignupDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      user {\n        id\n      }\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n": types.VerifyEmailDocument,
    "\n  mutation ResendVerification {\n    resendVerification\n  }\n": types.ResendVerificationDocument,
    "\n  query Category($slug: String!, $first: Int!, $after: Cursor) {\n    category(slug: $slug) {\n      slug\n      name\n      titles(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n": types.CategoryDocument,
    "\n  query Feed {\n    feed {\n      rows {\n        slug\n        name\n        kind\n        titles(first: 20) {\n          edges {\n            node {\n              id\n              name\n              posterUrl\n              minPlan\n              progress {\n                fraction\n                episode {\n                  id\n                  number\n                  season {\n                    id\n                    number\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.FeedDocument,
    "\n  fragment HeroTitle on Title {\n    id\n    name\n    synopsis\n    year\n    maturityRating\n    posterUrl\n    backdropUrl\n    logoUrl\n    minPlan\n    inMyList\n    kind\n    video {\n      id\n      status\n    }\n  }\n": types.HeroTitleFragmentDoc,
    "\n  query Hero {\n    recommended: category(slug: \"recommended\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    trending: category(slug: \"trending\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    fresh: category(slug: \"new-releases\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n  }\n": types.HeroDocument,
    "\n  query Showcase {\n    fresh: category(slug: \"new-releases\") {\n      ...ShowcaseRow\n    }\n    trending: category(slug: \"trending\") {\n      ...ShowcaseRow\n    }\n  }\n": types.ShowcaseDocument,
    "\n  fragment ShowcaseRow on Category {\n    titles(first: 12) {\n      edges {\n        node {\n          id\n          name\n          posterUrl\n          backdropUrl\n        }\n      }\n    }\n  }\n": types.ShowcaseRowFragmentDoc,
    "\n  query Plans {\n    plans {\n      id\n      code\n      name\n      priceCents\n      currency\n      maxStreams\n      maxHeight\n    }\n  }\n": types.PlansDocument,
    "\n  mutation Subscribe($input: SubscribeInput!) {\n    subscribe(input: $input) {\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        plan {\n          id\n          code\n          name\n        }\n      }\n      payment {\n        id\n        status\n        amountCents\n        currency\n      }\n    }\n  }\n": types.SubscribeDocument,
    "\n  query ChangePreview($plan: PlanCode!) {\n    membershipChangePreview(plan: $plan) {\n      change\n      amountCents\n      currency\n      effectiveAt\n      renewsAt\n      quotedAt\n      plan {\n        id\n        name\n        priceCents\n      }\n    }\n  }\n": types.ChangePreviewDocument,
    "\n  mutation StartPlayback($input: StartPlaybackInput!) {\n    startPlayback(input: $input) {\n      id\n      manifestUrl\n      maxHeight\n      resumePositionSeconds\n      heartbeatIntervalSeconds\n      introStart\n      introEnd\n      creditsStart\n      chapters {\n        start\n        end\n        title\n      }\n      title {\n        id\n        name\n        seasons {\n          number\n          episodes {\n            id\n            number\n            video {\n              status\n            }\n          }\n        }\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n": types.StartPlaybackDocument,
    "\n  mutation ReportProgress($input: ReportProgressInput!) {\n    reportProgress(input: $input)\n  }\n": types.ReportProgressDocument,
    "\n  mutation ReportPlaybackQoe($input: PlaybackQoeInput!) {\n    reportPlaybackQoe(input: $input)\n  }\n": types.ReportPlaybackQoeDocument,
    "\n  mutation EndPlayback($sessionId: ID!) {\n    endPlayback(sessionId: $sessionId) {\n      reason\n      title {\n        id\n        name\n        posterUrl\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n": types.EndPlaybackDocument,
    "\n  subscription PlaybackHeartbeat($sessionId: ID!) {\n    playbackHeartbeat(sessionId: $sessionId) {\n      sessionId\n      status\n      activeStreams\n      maxStreams\n      at\n    }\n  }\n": types.PlaybackHeartbeatDocument,
    "\n  fragment ProfileFields on Profile {\n    id\n    name\n    kids\n    maturityCeiling\n    language\n    hasPin\n  }\n": types.ProfileFieldsFragmentDoc,
    "\n  query Profiles {\n    profiles {\n      ...ProfileFields\n    }\n  }\n": types.ProfilesDocument,
    "\n  mutation SelectProfile($id: ID!, $pin: String) {\n    selectProfile(id: $id, pin: $pin) {\n      id\n    }\n  }\n": types.SelectProfileDocument,
    "\n  mutation CreateProfile($input: CreateProfileInput!) {\n    createProfile(input: $input) {\n      ...ProfileFields\n    }\n  }\n": types.CreateProfileDocument,
    "\n  mutation UpdateProfile($id: ID!, $input: UpdateProfileInput!) {\n    updateProfile(id: $id, input: $input) {\n      ...ProfileFields\n    }\n  }\n": types.UpdateProfileDocument,
    "\n  mutation DeleteProfile($id: ID!, $password: String) {\n    deleteProfile(id: $id, password: $password)\n  }\n": types.DeleteProfileDocument,
    "\n  query Search($query: String!, $first: Int!, $after: Cursor, $filter: SearchFilter) {\n    search(query: $query, first: $first, after: $after, filter: $filter) {\n      totalCount\n      genreFacets {\n        slug\n        name\n        count\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          year\n          kind\n          posterUrl\n          minPlan\n        }\n      }\n    }\n  }\n": types.SearchDocument,
    "\n  query SearchSuggestions {\n    categories(first: 40) {\n      edges {\n        node {\n          slug\n          name\n          kind\n        }\n      }\n    }\n    category(slug: \"trending\") {\n      titles(first: 12) {\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n": types.SearchSuggestionsDocument,
    "\n  query TitleDetail($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      maturityRating\n      genres\n      runtimeMinutes\n      averageRating\n      ratingCount\n      myRating\n      posterUrl\n      minPlan\n      credits {\n        role\n        character\n        person {\n          id\n          name\n        }\n      }\n      availableInMyRegion\n      inMyList\n      progress {\n        positionSeconds\n        durationSeconds\n        fraction\n        completed\n        episode {\n          id\n          number\n          name\n        }\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            status\n            posterUrl\n          }\n        }\n      }\n      video {\n        id\n        status\n        durationSeconds\n      }\n      similar(first: 12) {\n        id\n        name\n        posterUrl\n        minPlan\n      }\n    }\n  }\n": types.TitleDetailDocument,
    "\n  mutation RateTitle($titleId: ID!, $stars: Int!) {\n    rateTitle(titleId: $titleId, stars: $stars) {\n      id\n      myRating\n      averageRating\n      ratingCount\n    }\n  }\n": types.RateTitleDocument,
    "\n  mutation AddToMyList($titleId: ID!) {\n    addToMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n": types.AddToMyListDocument,
    "\n  mutation RemoveFromMyList($titleId: ID!) {\n    removeFromMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n": types.RemoveFromMyListDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Account {\n    me {\n      id\n      name\n      email\n      country\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        canceledAt\n        graceUntil\n        cardBrand\n        cardLast4\n        paymentMethod\n        plan {\n          id\n          code\n          name\n          priceCents\n          currency\n        }\n      }\n      payments(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) {\n        totalCount\n        edges {\n          node {\n            id\n            createdAt\n            plan\n            amountCents\n            currency\n            status\n            reason\n            method\n            brand\n            last4\n            paypalEmail\n            failureMessage\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Account {\n    me {\n      id\n      name\n      email\n      country\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        canceledAt\n        graceUntil\n        cardBrand\n        cardLast4\n        paymentMethod\n        plan {\n          id\n          code\n          name\n          priceCents\n          currency\n        }\n      }\n      payments(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) {\n        totalCount\n        edges {\n          node {\n            id\n            createdAt\n            plan\n            amountCents\n            currency\n            status\n            reason\n            method\n            brand\n            last4\n            paypalEmail\n            failureMessage\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelMembership {\n    cancelMembership {\n      id\n      status\n      canceledAt\n      currentPeriodEnd\n    }\n  }\n"): (typeof documents)["\n  mutation CancelMembership {\n    cancelMembership {\n      id\n      status\n      canceledAt\n      currentPeriodEnd\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions {\n    sessions {\n      id\n      device\n      ip\n      createdAt\n      lastUsedAt\n      current\n    }\n  }\n"): (typeof documents)["\n  query Sessions {\n    sessions {\n      id\n      device\n      ip\n      createdAt\n      lastUsedAt\n      current\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(currentPassword: $current, newPassword: $next)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(currentPassword: $current, newPassword: $next)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeEmail($email: String!, $password: String!) {\n    changeEmail(newEmail: $email, password: $password)\n  }\n"): (typeof documents)["\n  mutation ChangeEmail($email: String!, $password: String!) {\n    changeEmail(newEmail: $email, password: $password)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeOtherSessions {\n    revokeOtherSessions\n  }\n"): (typeof documents)["\n  mutation RevokeOtherSessions {\n    revokeOtherSessions\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExportMyData {\n    exportMyData\n  }\n"): (typeof documents)["\n  mutation ExportMyData {\n    exportMyData\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n"): (typeof documents)["\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTitle($input: CreateTitleInput!) {\n    createTitle(input: $input) {\n      id\n      name\n      kind\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTitle($input: CreateTitleInput!) {\n    createTitle(input: $input) {\n      id\n      name\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Integrations {\n    apiKeys {\n      id\n      label\n      prefix\n      scopes\n      rateLimitPerMinute\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n      active\n    }\n    webhooks {\n      id\n      url\n      events\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query Integrations {\n    apiKeys {\n      id\n      label\n      prefix\n      scopes\n      rateLimitPerMinute\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n      active\n    }\n    webhooks {\n      id\n      url\n      events\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      key {\n        id\n        label\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      key {\n        id\n        label\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      id\n      url\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      id\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($id: ID!) {\n    webhookDeliveries(webhookId: $id, first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          event\n          status\n          attempts\n          responseCode\n          latencyMs\n          error\n          createdAt\n          nextAttemptAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($id: ID!) {\n    webhookDeliveries(webhookId: $id, first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          event\n          status\n          attempts\n          responseCode\n          latencyMs\n          error\n          createdAt\n          nextAttemptAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation Redeliver($id: ID!) {\n    redeliver(deliveryId: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QoeReport($days: Int!) {\n    qoeReport(days: $days) {\n      days {\n        day\n        plays\n        startupP50Ms\n        startupP95Ms\n        rebufferRatio\n        failures\n      }\n      rungs {\n        height\n        plays\n        seconds\n      }\n      errors {\n        message\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query QoeReport($days: Int!) {\n    qoeReport(days: $days) {\n      days {\n        day\n        plays\n        startupP50Ms\n        startupP95Ms\n        rebufferRatio\n        failures\n      }\n      rungs {\n        height\n        plays\n        seconds\n      }\n      errors {\n        message\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadVideo($titleId: ID!, $episodeId: ID, $file: Upload!) {\n    uploadVideo(titleId: $titleId, episodeId: $episodeId, file: $file) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation UploadVideo($titleId: ID!, $episodeId: ID, $file: Upload!) {\n    uploadVideo(titleId: $titleId, episodeId: $episodeId, file: $file) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadArtwork($titleId: ID!, $kind: ArtworkKind!, $file: Upload!) {\n    uploadArtwork(titleId: $titleId, kind: $kind, file: $file) {\n      id\n      posterUrl\n      backdropUrl\n      logoUrl\n    }\n  }\n"): (typeof documents)["\n  mutation UploadArtwork($titleId: ID!, $kind: ArtworkKind!, $file: Upload!) {\n    uploadArtwork(titleId: $titleId, kind: $kind, file: $file) {\n      id\n      posterUrl\n      backdropUrl\n      logoUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TranscodeProgress($videoId: ID!) {\n    transcodeProgress(videoId: $videoId) {\n      videoId\n      status\n      percent\n      failureReason\n    }\n  }\n"): (typeof documents)["\n  subscription TranscodeProgress($videoId: ID!) {\n    transcodeProgress(videoId: $videoId) {\n      videoId\n      status\n      percent\n      failureReason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminTitle($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      genres\n      maturityRating\n      minPlan\n      regions\n      runtimeMinutes\n      posterUrl\n      backdropUrl\n      logoUrl\n      credits {\n        role\n        character\n        person {\n          name\n        }\n      }\n      video {\n        ...AdminVideo\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            ...AdminVideo\n          }\n        }\n      }\n    }\n  }\n\n  fragment AdminVideo on Video {\n    id\n    status\n    durationSeconds\n    failureReason\n    introStart\n    introEnd\n    creditsStart\n    encodingLadder {\n      method\n      rungs {\n        name\n        width\n        height\n        crf\n        targetBitrate\n        averageBitrate\n        published\n        droppedReason\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminTitle($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      genres\n      maturityRating\n      minPlan\n      regions\n      runtimeMinutes\n      posterUrl\n      backdropUrl\n      logoUrl\n      credits {\n        role\n        character\n        person {\n          name\n        }\n      }\n      video {\n        ...AdminVideo\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            ...AdminVideo\n          }\n        }\n      }\n    }\n  }\n\n  fragment AdminVideo on Video {\n    id\n    status\n    durationSeconds\n    failureReason\n    introStart\n    introEnd\n    creditsStart\n    encodingLadder {\n      method\n      rungs {\n        name\n        width\n        height\n        crf\n        targetBitrate\n        averageBitrate\n        published\n        droppedReason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminSearch($query: String!) {\n    search(query: $query, first: 20) {\n      edges {\n        node {\n          id\n          name\n          kind\n          year\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminSearch($query: String!) {\n    search(query: $query, first: 20) {\n      edges {\n        node {\n          id\n          name\n          kind\n          year\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTitle($id: ID!, $input: UpdateTitleInput!) {\n    updateTitle(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTitle($id: ID!, $input: UpdateTitleInput!) {\n    updateTitle(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTitle($id: ID!) {\n    deleteTitle(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteTitle($id: ID!) {\n    deleteTitle(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSeason($input: CreateSeasonInput!) {\n    createSeason(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSeason($input: CreateSeasonInput!) {\n    createSeason(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSeason($id: ID!, $input: UpdateSeasonInput!) {\n    updateSeason(id: $id, input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSeason($id: ID!, $input: UpdateSeasonInput!) {\n    updateSeason(id: $id, input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSeason($id: ID!) {\n    deleteSeason(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteSeason($id: ID!) {\n    deleteSeason(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEpisode($input: CreateEpisodeInput!) {\n    createEpisode(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateEpisode($input: CreateEpisodeInput!) {\n    createEpisode(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateEpisode($id: ID!, $input: UpdateEpisodeInput!) {\n    updateEpisode(id: $id, input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateEpisode($id: ID!, $input: UpdateEpisodeInput!) {\n    updateEpisode(id: $id, input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteEpisode($id: ID!) {\n    deleteEpisode(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteEpisode($id: ID!) {\n    deleteEpisode(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetVideoMarkers($videoId: ID!, $input: VideoMarkersInput!) {\n    setVideoMarkers(videoId: $videoId, input: $input) {\n      id\n      introStart\n      introEnd\n      creditsStart\n    }\n  }\n"): (typeof documents)["\n  mutation SetVideoMarkers($videoId: ID!, $input: VideoMarkersInput!) {\n    setVideoMarkers(videoId: $videoId, input: $input) {\n      id\n      introStart\n      introEnd\n      creditsStart\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartLibraryScan($path: String!) {\n    startLibraryScan(path: $path) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation StartLibraryScan($path: String!) {\n    startLibraryScan(path: $path) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LibraryScanProgress($id: ID!) {\n    libraryScanProgress(id: $id) {\n      id\n      state\n      done\n      total\n      current\n      added\n      updated\n      unchanged\n      skipped {\n        path\n        why\n      }\n      missing\n      notes {\n        path\n        why\n      }\n      error\n    }\n  }\n"): (typeof documents)["\n  subscription LibraryScanProgress($id: ID!) {\n    libraryScanProgress(id: $id) {\n      id\n      state\n      done\n      total\n      current\n      added\n      updated\n      unchanged\n      skipped {\n        path\n        why\n      }\n      missing\n      notes {\n        path\n        why\n      }\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n      emailVerified\n      name\n      country\n      role\n      profile {\n        ...ProfileFields\n      }\n      membership {\n        id\n        status\n        currentPeriodEnd\n        plan {\n          id\n          code\n          name\n          maxHeight\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n      emailVerified\n      name\n      country\n      role\n      profile {\n        ...ProfileFields\n      }\n      membership {\n        id\n        status\n        currentPeriodEnd\n        plan {\n          id\n          code\n          name\n          maxHeight\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      user {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      user {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      user {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n"): (typeof documents)["\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendVerification {\n    resendVerification\n  }\n"): (typeof documents)["\n  mutation ResendVerification {\n    resendVerification\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Category($slug: String!, $first: Int!, $after: Cursor) {\n    category(slug: $slug) {\n      slug\n      name\n      titles(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Category($slug: String!, $first: Int!, $after: Cursor) {\n    category(slug: $slug) {\n      slug\n      name\n      titles(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Feed {\n    feed {\n      rows {\n        slug\n        name\n        kind\n        titles(first: 20) {\n          edges {\n            node {\n              id\n              name\n              posterUrl\n              minPlan\n              progress {\n                fraction\n                episode {\n                  id\n                  number\n                  season {\n                    id\n                    number\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Feed {\n    feed {\n      rows {\n        slug\n        name\n        kind\n        titles(first: 20) {\n          edges {\n            node {\n              id\n              name\n              posterUrl\n              minPlan\n              progress {\n                fraction\n                episode {\n                  id\n                  number\n                  season {\n                    id\n                    number\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HeroTitle on Title {\n    id\n    name\n    synopsis\n    year\n    maturityRating\n    posterUrl\n    backdropUrl\n    logoUrl\n    minPlan\n    inMyList\n    kind\n    video {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  fragment HeroTitle on Title {\n    id\n    name\n    synopsis\n    year\n    maturityRating\n    posterUrl\n    backdropUrl\n    logoUrl\n    minPlan\n    inMyList\n    kind\n    video {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Hero {\n    recommended: category(slug: \"recommended\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    trending: category(slug: \"trending\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    fresh: category(slug: \"new-releases\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Hero {\n    recommended: category(slug: \"recommended\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    trending: category(slug: \"trending\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n    fresh: category(slug: \"new-releases\") {\n      titles(first: 3) {\n        edges {\n          node {\n            ...HeroTitle\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Showcase {\n    fresh: category(slug: \"new-releases\") {\n      ...ShowcaseRow\n    }\n    trending: category(slug: \"trending\") {\n      ...ShowcaseRow\n    }\n  }\n"): (typeof documents)["\n  query Showcase {\n    fresh: category(slug: \"new-releases\") {\n      ...ShowcaseRow\n    }\n    trending: category(slug: \"trending\") {\n      ...ShowcaseRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ShowcaseRow on Category {\n    titles(first: 12) {\n      edges {\n        node {\n          id\n          name\n          posterUrl\n          backdropUrl\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ShowcaseRow on Category {\n    titles(first: 12) {\n      edges {\n        node {\n          id\n          name\n          posterUrl\n          backdropUrl\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Plans {\n    plans {\n      id\n      code\n      name\n      priceCents\n      currency\n      maxStreams\n      maxHeight\n    }\n  }\n"): (typeof documents)["\n  query Plans {\n    plans {\n      id\n      code\n      name\n      priceCents\n      currency\n      maxStreams\n      maxHeight\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Subscribe($input: SubscribeInput!) {\n    subscribe(input: $input) {\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        plan {\n          id\n          code\n          name\n        }\n      }\n      payment {\n        id\n        status\n        amountCents\n        currency\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Subscribe($input: SubscribeInput!) {\n    subscribe(input: $input) {\n      membership {\n        id\n        status\n        currentPeriodEnd\n        pendingPlan\n        plan {\n          id\n          code\n          name\n        }\n      }\n      payment {\n        id\n        status\n        amountCents\n        currency\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ChangePreview($plan: PlanCode!) {\n    membershipChangePreview(plan: $plan) {\n      change\n      amountCents\n      currency\n      effectiveAt\n      renewsAt\n      quotedAt\n      plan {\n        id\n        name\n        priceCents\n      }\n    }\n  }\n"): (typeof documents)["\n  query ChangePreview($plan: PlanCode!) {\n    membershipChangePreview(plan: $plan) {\n      change\n      amountCents\n      currency\n      effectiveAt\n      renewsAt\n      quotedAt\n      plan {\n        id\n        name\n        priceCents\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPlayback($input: StartPlaybackInput!) {\n    startPlayback(input: $input) {\n      id\n      manifestUrl\n      maxHeight\n      resumePositionSeconds\n      heartbeatIntervalSeconds\n      introStart\n      introEnd\n      creditsStart\n      chapters {\n        start\n        end\n        title\n      }\n      title {\n        id\n        name\n        seasons {\n          number\n          episodes {\n            id\n            number\n            video {\n              status\n            }\n          }\n        }\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation StartPlayback($input: StartPlaybackInput!) {\n    startPlayback(input: $input) {\n      id\n      manifestUrl\n      maxHeight\n      resumePositionSeconds\n      heartbeatIntervalSeconds\n      introStart\n      introEnd\n      creditsStart\n      chapters {\n        start\n        end\n        title\n      }\n      title {\n        id\n        name\n        seasons {\n          number\n          episodes {\n            id\n            number\n            video {\n              status\n            }\n          }\n        }\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportProgress($input: ReportProgressInput!) {\n    reportProgress(input: $input)\n  }\n"): (typeof documents)["\n  mutation ReportProgress($input: ReportProgressInput!) {\n    reportProgress(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportPlaybackQoe($input: PlaybackQoeInput!) {\n    reportPlaybackQoe(input: $input)\n  }\n"): (typeof documents)["\n  mutation ReportPlaybackQoe($input: PlaybackQoeInput!) {\n    reportPlaybackQoe(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndPlayback($sessionId: ID!) {\n    endPlayback(sessionId: $sessionId) {\n      reason\n      title {\n        id\n        name\n        posterUrl\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EndPlayback($sessionId: ID!) {\n    endPlayback(sessionId: $sessionId) {\n      reason\n      title {\n        id\n        name\n        posterUrl\n      }\n      episode {\n        id\n        number\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PlaybackHeartbeat($sessionId: ID!) {\n    playbackHeartbeat(sessionId: $sessionId) {\n      sessionId\n      status\n      activeStreams\n      maxStreams\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription PlaybackHeartbeat($sessionId: ID!) {\n    playbackHeartbeat(sessionId: $sessionId) {\n      sessionId\n      status\n      activeStreams\n      maxStreams\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProfileFields on Profile {\n    id\n    name\n    kids\n    maturityCeiling\n    language\n    hasPin\n  }\n"): (typeof documents)["\n  fragment ProfileFields on Profile {\n    id\n    name\n    kids\n    maturityCeiling\n    language\n    hasPin\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Profiles {\n    profiles {\n      ...ProfileFields\n    }\n  }\n"): (typeof documents)["\n  query Profiles {\n    profiles {\n      ...ProfileFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SelectProfile($id: ID!, $pin: String) {\n    selectProfile(id: $id, pin: $pin) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SelectProfile($id: ID!, $pin: String) {\n    selectProfile(id: $id, pin: $pin) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProfile($input: CreateProfileInput!) {\n    createProfile(input: $input) {\n      ...ProfileFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateProfile($input: CreateProfileInput!) {\n    createProfile(input: $input) {\n      ...ProfileFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProfile($id: ID!, $input: UpdateProfileInput!) {\n    updateProfile(id: $id, input: $input) {\n      ...ProfileFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProfile($id: ID!, $input: UpdateProfileInput!) {\n    updateProfile(id: $id, input: $input) {\n      ...ProfileFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteProfile($id: ID!, $password: String) {\n    deleteProfile(id: $id, password: $password)\n  }\n"): (typeof documents)["\n  mutation DeleteProfile($id: ID!, $password: String) {\n    deleteProfile(id: $id, password: $password)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Search($query: String!, $first: Int!, $after: Cursor, $filter: SearchFilter) {\n    search(query: $query, first: $first, after: $after, filter: $filter) {\n      totalCount\n      genreFacets {\n        slug\n        name\n        count\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          year\n          kind\n          posterUrl\n          minPlan\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Search($query: String!, $first: Int!, $after: Cursor, $filter: SearchFilter) {\n    search(query: $query, first: $first, after: $after, filter: $filter) {\n      totalCount\n      genreFacets {\n        slug\n        name\n        count\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          year\n          kind\n          posterUrl\n          minPlan\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchSuggestions {\n    categories(first: 40) {\n      edges {\n        node {\n          slug\n          name\n          kind\n        }\n      }\n    }\n    category(slug: \"trending\") {\n      titles(first: 12) {\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchSuggestions {\n    categories(first: 40) {\n      edges {\n        node {\n          slug\n          name\n          kind\n        }\n      }\n    }\n    category(slug: \"trending\") {\n      titles(first: 12) {\n        edges {\n          node {\n            id\n            name\n            posterUrl\n            minPlan\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TitleDetail($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      maturityRating\n      genres\n      runtimeMinutes\n      averageRating\n      ratingCount\n      myRating\n      posterUrl\n      minPlan\n      credits {\n        role\n        character\n        person {\n          id\n          name\n        }\n      }\n      availableInMyRegion\n      inMyList\n      progress {\n        positionSeconds\n        durationSeconds\n        fraction\n        completed\n        episode {\n          id\n          number\n          name\n        }\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            status\n            posterUrl\n          }\n        }\n      }\n      video {\n        id\n        status\n        durationSeconds\n      }\n      similar(first: 12) {\n        id\n        name\n        posterUrl\n        minPlan\n      }\n    }\n  }\n"): (typeof documents)["\n  query TitleDetail($id: ID!) {\n    title(id: $id) {\n      id\n      kind\n      name\n      synopsis\n      year\n      maturityRating\n      genres\n      runtimeMinutes\n      averageRating\n      ratingCount\n      myRating\n      posterUrl\n      minPlan\n      credits {\n        role\n        character\n        person {\n          id\n          name\n        }\n      }\n      availableInMyRegion\n      inMyList\n      progress {\n        positionSeconds\n        durationSeconds\n        fraction\n        completed\n        episode {\n          id\n          number\n          name\n        }\n      }\n      seasons {\n        id\n        number\n        name\n        episodes {\n          id\n          number\n          name\n          synopsis\n          runtimeMinutes\n          video {\n            status\n            posterUrl\n          }\n        }\n      }\n      video {\n        id\n        status\n        durationSeconds\n      }\n      similar(first: 12) {\n        id\n        name\n        posterUrl\n        minPlan\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RateTitle($titleId: ID!, $stars: Int!) {\n    rateTitle(titleId: $titleId, stars: $stars) {\n      id\n      myRating\n      averageRating\n      ratingCount\n    }\n  }\n"): (typeof documents)["\n  mutation RateTitle($titleId: ID!, $stars: Int!) {\n    rateTitle(titleId: $titleId, stars: $stars) {\n      id\n      myRating\n      averageRating\n      ratingCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddToMyList($titleId: ID!) {\n    addToMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n"): (typeof documents)["\n  mutation AddToMyList($titleId: ID!) {\n    addToMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveFromMyList($titleId: ID!) {\n    removeFromMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveFromMyList($titleId: ID!) {\n    removeFromMyList(titleId: $titleId) {\n      id\n      inMyList\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;