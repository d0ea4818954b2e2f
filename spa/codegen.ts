import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for every graphql() call in the feature folders, generated from the
// server's schema files at the repository root. `npm run codegen`; `make generate` runs it.
const config: CodegenConfig = {
  schema: ['../schema.graphqls', '../ent.graphqls'],
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Only the types the app's operations use, so a server change elsewhere in the
        // schema does not churn these files.
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: {
          Time: 'string',
          Cursor: 'string',
          Upload: 'File',
        },
      },
    },
  },
};

export default config;
