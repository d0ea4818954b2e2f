// Page objects for the viewer app, each finding its controls by role and accessible name
// the way a screen reader user would.

export class LandingPage {
  constructor(page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Marquee', level: 1 });
    this.signUp = page.getByRole('link', { name: 'Sign up' });
    this.logIn = page.getByRole('link', { name: 'Log in' });
  }
}

export class SignupPage {
  constructor(page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Create your account' });
  }

  async signUp({ name, email, password, country }) {
    const p = this.page;
    await p.getByLabel('Name').fill(name);
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(password);
    await p.getByLabel('Country').fill(country);
    await p.getByRole('button', { name: 'Sign up' }).click();
  }
}

export class LoginPage {
  constructor(page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Log in' });
    this.alert = page.getByRole('alert');
  }

  async logIn(email, password) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
  }

  /** Opens the login page of the server at baseURL and logs in, waiting until the header offers Log out. */
  static async as(page, baseURL, { email, password }) {
    await page.goto(`${baseURL}/login`);
    await new LoginPage(page).logIn(email, password);
    await new Header(page).nav.getByRole('button', { name: 'Log out' }).waitFor();
  }
}

export class Header {
  constructor(page) {
    this.page = page;
    this.nav = page.getByRole('navigation', { name: 'Main' });
  }

  go(name) {
    return this.nav.getByRole('link', { name, exact: true }).click();
  }

  logOut() {
    return this.nav.getByRole('button', { name: 'Log out' }).click();
  }
}

export class HomePage {
  constructor(page) {
    this.page = page;
    this.rows = page.getByRole('region');
  }

  row(name) {
    return this.page.getByRole('region', { name });
  }
}

export class SearchPage {
  constructor(page) {
    this.page = page;
    this.box = page.getByLabel('Search titles');
    this.results = page.getByRole('region', { name: 'Results' });
  }

  async search(text) {
    await this.box.fill(text);
  }

  result(name) {
    return this.results.getByRole('link', { name });
  }
}

export class TitlePage {
  constructor(page) {
    this.page = page;
    this.choosePlan = page.getByRole('link', { name: 'Choose a plan to watch' });
    this.play = page.getByRole('button', { name: /^(Play|Resume)/ });
    this.myList = page.getByRole('button', { name: /My List/ });
    this.rating = page.getByRole('group', { name: 'Your rating' });
  }

  heading(name) {
    return this.page.getByRole('heading', { name, level: 1 });
  }
}

export class PlansPage {
  constructor(page) {
    this.page = page;
  }

  choose(planName) {
    return this.page.getByRole('link', { name: `Choose ${planName}` }).click();
  }
}

export class CheckoutPage {
  constructor(page) {
    this.page = page;
    this.alert = page.getByRole('alert');
    this.success = page.getByRole('status');
    this.continue = page.getByRole('link', { name: /^(Continue|Start watching)$/ });
  }

  async payByCard({ number, expiry = '12/30', cvc = '123', name = 'Ada Lovelace' }) {
    const p = this.page;
    await p.getByRole('tab', { name: 'Card' }).click();
    await p.getByLabel('Card number').fill(number);
    await p.getByLabel('Expiry (MM/YY)').fill(expiry);
    await p.getByLabel('Security code').fill(cvc);
    await p.getByLabel('Name on card').fill(name);
    await p.getByRole('button', { name: /^Pay / }).click();
  }
}

/** One of the player's menus (Quality, Audio, Subtitles, Chapter): a button that opens a list of radio items. */
export class PlayerMenu {
  constructor(page, name) {
    this.page = page;
    this.button = page.getByRole('button', { name: new RegExp(`^${name}:`) });
    this.list = page.getByRole('menu', { name });
  }

  async open() {
    if ((await this.button.getAttribute('aria-expanded')) !== 'true') await this.button.click();
    await this.list.waitFor();
  }

  async choose(label) {
    await this.open();
    await this.list.getByRole('menuitemradio', { name: label, exact: true }).click();
    await this.list.waitFor({ state: 'detached' });
  }

  /** The entries, in order; the menu is closed again with Escape. */
  async labels() {
    await this.open();
    const labels = await this.list.getByRole('menuitemradio').allTextContents();
    await this.page.keyboard.press('Escape');
    await this.list.waitFor({ state: 'detached' });
    return labels;
  }

  /** The chosen entry, as the button shows it. */
  async chosen() {
    return (await this.button.textContent()).replace(/^[^:]*: /, '');
  }
}

export class Player {
  constructor(page) {
    this.page = page;
    this.video = page.locator('video');
    this.quality = new PlayerMenu(page, 'Quality');
    this.heartbeat = page.locator('[data-beats]');
    this.pause = page.getByRole('button', { name: 'Pause' });
  }

  back(titleName) {
    return this.page.getByRole('button', { name: `Back to ${titleName}` }).first().click();
  }

  waitForPlayback(seconds) {
    return this.page.waitForFunction((s) => {
      const v = document.querySelector('video');
      return v && !v.paused && v.currentTime > s;
    }, seconds, { timeout: 30_000 });
  }

  /** The rung being shown, as the player reports it after each switch. */
  levelHeight() {
    return this.page.locator('.player').getAttribute('data-level-height');
  }

  waitForLevelHeight(height) {
    return this.page.waitForFunction(
      (h) => document.querySelector('.player')?.getAttribute('data-level-height') === String(h),
      height,
      { timeout: 20_000 },
    );
  }

  waitForBeats(n) {
    return this.page.waitForFunction(
      (k) => Number(document.querySelector('[data-beats]')?.getAttribute('data-beats') ?? 0) >= k,
      n,
      { timeout: 20_000 },
    );
  }
}
