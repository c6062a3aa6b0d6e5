/** The seeded generator of synthetic pictures and batch orders: the shared one, under the name the scripts use. */
export { seededRandom as mulberry32 } from '../src/shared/random';
