import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuOption {
  value: number;
  label: string;
}

interface Props {
  /** What the menu chooses ("Quality"); the button's name begins with it ("Quality: Auto (360p)"). */
  label: string;
  options: readonly MenuOption[];
  /** The chosen value; the button shows its label. */
  value: number;
  /** What the button says while no option is chosen. */
  placeholder?: string;
  onChange(value: number): void;
}

/**
 * A player menu (quality, audio, subtitles, chapters): a button showing the choice that
 * opens a list of radio items above the control bar. It follows the ARIA menu-button
 * pattern: arrows, Home and End move, Enter or Space chooses, Escape or a click elsewhere
 * closes, and focus goes back to the button.
 */
export function OptionMenu({ label, options, value, placeholder, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();
  const chosen = options.find((o) => o.value === value);

  useEffect(() => {
    if (!open) return;
    items.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  const show = (at: number) => {
    setActive(Math.max(0, Math.min(at, options.length - 1)));
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (v: number) => {
    close();
    if (v !== value) onChange(v);
  };
  const current = Math.max(0, options.findIndex((o) => o.value === value));

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      show(current);
    }
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowDown: (active + 1) % options.length,
      ArrowUp: (active - 1 + options.length) % options.length,
      Home: 0,
      End: options.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      setActive(moves[e.key]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="option-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="option-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? setOpen(false) : show(current))}
        onKeyDown={onButtonKey}
      >
        <span className="visually-hidden">{label}: </span>
        {chosen?.label ?? placeholder ?? label}
      </button>
      {open && (
        <div className="option-menu-list" role="menu" id={menuId} aria-label={label} onKeyDown={onMenuKey}>
          {options.map((o, i) => (
            <button
              key={o.value}
              ref={(el) => {
                items.current[i] = el;
              }}
              type="button"
              role="menuitemradio"
              aria-checked={o.value === value}
              tabIndex={i === active ? 0 : -1}
              onClick={() => choose(o.value)}
            >
              {o.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
