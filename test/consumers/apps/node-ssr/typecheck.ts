// A strict consumer's TypeScript (skipLibCheck off): the declarations must stand on their own,
// with none of the library's bundled dependencies installed.
import { createRecommender, VitrineError, type EngineInfo, type Recommendation } from 'vitrine';

export async function quickStart(): Promise<Recommendation[]> {
  const rec = await createRecommender({ catalog: '/catalog.vcat', backend: 'auto' });
  await rec.track({ type: 'view', itemId: '85123A' });
  const info: EngineInfo = await rec.info();
  if (info.parts.tfjs.status === 'failed') console.warn(info.parts.tfjs.error?.code);
  return rec.recommend({ k: 4 });
}
export const isVitrineError = (error: unknown): boolean => error instanceof VitrineError;
