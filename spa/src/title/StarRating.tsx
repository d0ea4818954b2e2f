import { useId } from 'react';

/**
 * The viewer's rating as a group of five radio buttons: arrow keys move between
 * stars and choosing one saves it, as with any radio group.
 */
export function StarRating({ value, onRate, disabled }: { value: number | null; onRate(stars: number): void; disabled?: boolean }) {
  const name = useId();
  return (
    <fieldset className="stars" disabled={disabled}>
      <legend>Your rating</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <label key={n} className={value != null && n <= value ? 'on' : undefined}>
          <input type="radio" name={name} value={n} checked={value === n} onChange={() => onRate(n)} />
          <span aria-hidden="true">★</span>
          <span className="visually-hidden">{n === 1 ? '1 star' : `${n} stars`}</span>
        </label>
      ))}
    </fieldset>
  );
}
