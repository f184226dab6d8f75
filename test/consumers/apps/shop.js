// The README's quick start, as a shop's page runs it; every fixture app bundles this same file.
// Query parameters pick the variant: ?backend=wasm, ?encoder (the SASRec path), ?assetsBase=/dir/.
// The outcome goes to window.vitrineResult for the test to read.
import { createRecommender } from 'vitrine';

const params = new URLSearchParams(location.search);
const options = { catalog: '/catalog.vcat' };
if (params.has('backend')) options.backend = params.get('backend');
if (params.has('encoder')) options.encoder = '/catalog.vcat.encoder';
if (params.has('assetsBase')) options.assetsBase = params.get('assetsBase');

async function run() {
  const rec = await createRecommender(options);
  const [first] = await rec.popular({ k: 1 });
  await rec.track({ type: 'view', itemId: first.itemId });
  const recommend = await rec.recommend({ k: 5 });
  const similar = await rec.similar(first.itemId, { k: 5 });
  const word = (first.item.title ?? '').split(/\s+/).find((w) => w.length > 3) ?? first.item.title;
  const search = await rec.search(word, { k: 5 });
  const info = await rec.info();
  await rec.dispose();
  const ids = (list) => list.map((r) => r.itemId);
  return {
    ok: true,
    viewed: first.itemId,
    recommend: ids(recommend),
    scores: recommend.map((r) => r.score),
    similar: ids(similar),
    search: ids(search),
    backend: info.backend,
    parts: info.parts,
    backends: info.backends.map((b) => ({ backend: b.backend, status: b.status, reason: b.reason })),
  };
}

run().then(
  (result) => (window.vitrineResult = result),
  (error) => (window.vitrineResult = { ok: false, name: error?.name, code: error?.code, message: String(error?.message ?? error) }),
);
