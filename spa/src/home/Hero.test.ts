import { describe, expect, it } from 'vitest';
import type { HeroQuery } from '../gql/graphql';
import { pickHero } from './Hero';

const title = (id: string, art: boolean) => ({
  __typename: 'Title' as const,
  id,
  name: `T${id}`,
  synopsis: '',
  year: null,
  maturityRating: '',
  posterUrl: art ? `/p/${id}` : null,
  backdropUrl: null,
  logoUrl: null,
  minPlan: null,
  inMyList: false,
  kind: 'MOVIE' as const,
  video: null,
});
const row = (...ts: ReturnType<typeof title>[]) => ({ titles: { edges: ts.map((node) => ({ node })) } });

describe('pickHero', () => {
  it('takes the first title with artwork, recommended first', () => {
    const data = { recommended: row(title('1', false), title('2', true)), trending: row(title('3', true)), fresh: null } as unknown as HeroQuery;
    expect(pickHero(data)?.id).toBe('2');
  });
  it('falls back to the first title without artwork, and to nothing', () => {
    const data = { recommended: null, trending: row(title('3', false)), fresh: row() } as unknown as HeroQuery;
    expect(pickHero(data)?.id).toBe('3');
    expect(pickHero({ recommended: null, trending: null, fresh: null } as unknown as HeroQuery)).toBeNull();
    expect(pickHero(undefined)).toBeNull();
  });
});
