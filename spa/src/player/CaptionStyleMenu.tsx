import { useState } from 'react';
import { CAPTION_CHOICES, type CaptionStyle } from './subtitles';

const LABELS: Record<keyof CaptionStyle, string> = { size: 'Caption size', color: 'Caption colour', background: 'Caption background' };

/** A button that opens the caption style choices: size, colour and background. */
export function CaptionStyleMenu({ style, onChange }: { style: CaptionStyle; onChange(s: CaptionStyle): void }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="caption-style">
      <button type="button" className="option-menu-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Caption style
      </button>
      {open && (
        <div className="caption-style-panel" role="group" aria-label="Caption style">
          {(Object.keys(CAPTION_CHOICES) as (keyof CaptionStyle)[]).map((k) => (
            <label key={k}>
              {LABELS[k]}
              <select value={style[k]} onChange={(e) => onChange({ ...style, [k]: e.target.value })}>
                {CAPTION_CHOICES[k].map((v) => (
                  <option key={v} value={v}>
                    {v[0]!.toUpperCase() + v.slice(1)}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
