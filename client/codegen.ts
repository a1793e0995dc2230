// Typed GraphQL documents: `graphql()` in src/ is checked against the committed schema.graphql.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.tsx', 'src/**/*.ts', '!src/graphql/generated/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string', Date: 'string' },
        strictScalars: true,
        enumType: 'string-literal',
        useTypeImports: true,
        // urql runs without its document cache here, so nothing adds `__typename` behind our back.
        skipTypename: true,
      },
    },
  },
};

export default config;
