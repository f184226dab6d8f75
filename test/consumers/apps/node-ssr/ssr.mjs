// Server-side rendering imports the library in Node: the import must not crash, and starting a
// recommender there must reject with a typed error (no Web Workers), not a ReferenceError.
import * as vitrine from 'vitrine';

const outcome = { exports: Object.keys(vitrine).sort() };
try {
  await vitrine.createRecommender({ catalog: '/catalog.vcat' });
  outcome.created = true;
} catch (error) {
  outcome.error = { name: error.name, code: error.code, isVitrineError: error instanceof vitrine.VitrineError };
}
console.log(JSON.stringify(outcome));
