import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { formError } from '../lib/errors';
import { count } from '../lib/format';
import { PosterGrid, type PosterTitle } from '../title/Poster';
import { useTitle } from '../app/title';

const PAGE_SIZE = 24;

const CategoryQuery = graphql(`
  query Category($slug: String!, $first: Int!, $after: Cursor) {
    category(slug: $slug) {
      slug
      name
      titles(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            name
            posterUrl
            minPlan
          }
        }
      }
    }
  }
`);

export function CategoryPage() {
  const { slug = '' } = useParams();
  // One query per loaded page: the pages already shown stay in urql's cache.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [forSlug, setForSlug] = useState(slug);
  if (forSlug !== slug) {
    setForSlug(slug);
    setCursors([null]);
  }
  return (
    <main className="page">
      {cursors.map((after, i) => (
        <CategoryPageChunk
          key={`${slug}:${after ?? ''}`}
          slug={slug}
          after={after}
          first={i === 0}
          last={i === cursors.length - 1}
          onMore={(next) => setCursors([...cursors, next])}
        />
      ))}
    </main>
  );
}

function CategoryPageChunk(props: {
  slug: string;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore(cursor: string): void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: CategoryQuery,
    variables: { slug: props.slug, first: PAGE_SIZE, after: props.after },
  });
  const category = data?.category;
  // The first chunk names the page.
  useTitle(category?.name, props.first);
  if (error && !data) return <p role="alert" className="alert">{formError(error)}</p>;
  if (!data) return fetching ? <p className="muted" role="status">Loading…</p> : null;
  if (!category) {
    return props.first ? (
      <>
        <h1>Category not found</h1>
        <p>There is no category at this address.</p>
      </>
    ) : null;
  }
  const titles: PosterTitle[] = (category.titles.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const { hasNextPage, endCursor } = category.titles.pageInfo;
  return (
    <>
      {props.first && (
        <>
          <h1>{category.name}</h1>
          <p className="muted">{count(category.titles.totalCount, 'title')}</p>
        </>
      )}
      <PosterGrid titles={titles} />
      {props.last && hasNextPage && endCursor && (
        <p className="more">
          <button type="button" onClick={() => props.onMore(endCursor)}>
            Show more
          </button>
        </p>
      )}
    </>
  );
}
