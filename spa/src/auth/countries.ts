/** ISO 3166-1 alpha-2 codes the server accepts (internal/geo). */
const CODES = 'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.trim().split(/\s+/);

export interface Country {
  code: string;
  name: string;
}

/** Every country with its name in the viewer's language, by name. */
export function countries(locale?: string): Country[] {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'region' });
  } catch {
    // Without Intl.DisplayNames the codes stand for themselves.
  }
  return CODES.map((code) => ({ code, name: names?.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name, locale));
}

/** How a country reads in the picker: "France (FR)". */
export const countryLabel = (c: Country) => `${c.name} (${c.code})`;

/**
 * The code a viewer meant by what they typed or picked: a label ("France (FR)"), a name
 * ("france") or a code ("fr"); null when it names no country.
 */
export function parseCountry(text: string, list: readonly Country[]): string | null {
  const t = text.trim();
  const labelled = /\(([A-Za-z]{2})\)$/.exec(t);
  const code = (labelled?.[1] ?? t).toUpperCase();
  if (list.some((c) => c.code === code)) return code;
  const byName = list.find((c) => c.name.localeCompare(t, undefined, { sensitivity: 'base' }) === 0);
  return byName?.code ?? null;
}

export interface SignupForm {
  name: string;
  email: string;
  password: string;
  country: string;
}

/**
 * Every field's problem at once, before anything is sent (the server checks again and has
 * the last word, on common passwords and taken emails for a start).
 */
export function validateSignup(f: SignupForm, list: readonly Country[]): Partial<Record<keyof SignupForm, string>> {
  const out: Partial<Record<keyof SignupForm, string>> = {};
  const name = f.name.trim();
  if (!name) out.name = 'Name is required.';
  else if ([...name].length > 100) out.name = 'Name must be at most 100 characters.';
  const email = f.email.trim();
  if (!email) out.email = 'Email is required.';
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) out.email = 'Enter a valid email address, like name@example.com.';
  if ([...f.password].length < 8) out.password = 'Password must be at least 8 characters.';
  else if ([...f.password].length > 128) out.password = 'Password must be at most 128 characters.';
  if (!parseCountry(f.country, list)) out.country = 'Choose a country from the list.';
  return out;
}
