export const DEFAULT_QUERY = `# Marquee GraphQL explorer
#
# Requests carry your session cookie: log in to the app
# first and "me" returns your account. Run with Ctrl-Enter.

query Overview {
  me {
    id
    email
    name
  }
  plans {
    code
    name
    priceCents
    currency
    maxStreams
    maxHeight
  }
}
`;
