import { forkDemoSeedingEarly } from './demo-child';

// Imported by main.ts before the application's modules: with `--demo`, the seeding process loads its code
// while this one loads its own (see forkDemoSeedingEarly).
if (process.argv.includes('--demo')) forkDemoSeedingEarly();
