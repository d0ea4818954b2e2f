import { useMutation } from 'urql';
import { formError } from '../lib/errors';
import { AddToMyListMutation, RemoveFromMyListMutation } from './documents';

/** Saves a title to My List or takes it off, saying which it is (aria-pressed). */
export function MyListButton({ id, inMyList }: { id: string; inMyList: boolean }) {
  const [add, addToList] = useMutation(AddToMyListMutation);
  const [remove, removeFromList] = useMutation(RemoveFromMyListMutation);
  const error = formError(add.error ?? remove.error);
  return (
    <>
      <button
        type="button"
        aria-pressed={inMyList}
        disabled={add.fetching || remove.fetching}
        onClick={() => (inMyList ? removeFromList({ titleId: id }) : addToList({ titleId: id }))}
      >
        {inMyList ? '✓ In My List' : '+ My List'}
      </button>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
    </>
  );
}
