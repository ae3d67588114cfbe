// One config for every level: *.spec.ts (pure), *.int-spec.ts (embedded event store, real Redis),
// test/**/*.e2e-spec.ts (across processes). Scripts pick a level with --selectProjects.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@tracker/(domain|application|infrastructure|projections|eventstore-server|testing)$':
    '<rootDir>/libs/$1/src/index.ts',
  '^@tracker/(domain|application|infrastructure|projections|eventstore-server|testing)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'int',
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.int-spec.ts'],
    },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
