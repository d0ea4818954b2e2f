/** A video's skip markers, in seconds, as startPlayback returns them (null when not set). */
export interface Markers {
  introStart?: number | null;
  introEnd?: number | null;
  creditsStart?: number | null;
}

/** Which skip button the player offers at a time: none, Skip intro, or Next episode. */
export type SkipButton = 'skip-intro' | 'next-episode' | null;

/**
 * The button for time t: Skip intro from the intro's start until its end, Next episode from
 * where the credits start, when there is a next episode to go to.
 */
export function skipButton(t: number, m: Markers, hasNext: boolean): SkipButton {
  if (m.introStart != null && m.introEnd != null && t >= m.introStart && t < m.introEnd) return 'skip-intro';
  if (hasNext && m.creditsStart != null && t >= m.creditsStart) return 'next-episode';
  return null;
}

/** A series' seasons as the player knows them: episodes in order, with whether each plays. */
export interface SeasonList {
  number: number;
  episodes?: { id: string; number: number; video?: { status: string } | null }[] | null;
}

/**
 * The episode after the one with id current, in season and episode order, skipping those
 * without a ready video; null after the last (or for a movie).
 */
export function nextEpisode(seasons: SeasonList[] | null | undefined, current: string | null | undefined): string | null {
  if (!seasons || !current) return null;
  const order = [...seasons]
    .sort((a, b) => a.number - b.number)
    .flatMap((s) => [...(s.episodes ?? [])].sort((a, b) => a.number - b.number));
  const at = order.findIndex((e) => e.id === current);
  if (at < 0) return null;
  return order.slice(at + 1).find((e) => e.video?.status === 'READY')?.id ?? null;
}

/** A chapter of the video, in seconds. */
export interface Chapter {
  start: number;
  end: number;
  title: string;
}

/** The index of the chapter playing at time t (the last one started), or -1 before any. */
export function chapterAt(chapters: readonly Chapter[], t: number): number {
  let at = -1;
  chapters.forEach((c, i) => {
    if (c.start <= t) at = i;
  });
  return at;
}

/** A chapter's name in the menu: its title, else its number. */
export function chapterLabel(c: Chapter, i: number): string {
  return c.title.trim() || `Chapter ${i + 1}`;
}
