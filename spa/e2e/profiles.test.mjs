// A household in Chromium: the parent adds a Kids profile and locks their own with a PIN,
// switches to the Kids profile, finds no adult title by search or by URL, and switches back
// with the PIN.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { docShot, withScreenshotOnFailure } from './artifacts.mjs';
import { a11yViolations, launch, watchCSP } from './browser.mjs';
import { Header, LoginPage, SearchPage } from './pages.mjs';
import { dataDir, graphqlAt, startMarquee } from './server.mjs';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };
const PARENT = { email: 'parent@example.com', password: 'correct horse battery' };

let server;
let browser;
const titles = {};

const gql = (query, variables, token) => graphqlAt(server.url, query, variables, token);

before(async () => {
  const data = dataDir();
  await data.run('user', 'create', '--email', ADMIN.email, '--password', ADMIN.password, '--admin');
  await data.run('user', 'create', '--email', PARENT.email, '--password', PARENT.password, '--plan', 'standard');
  server = await startMarquee({ data, args: ['--workers', '0', '--seed-demo=false'] });
  browser = await launch();
  const { login } = await gql('mutation($in: LoginInput!) { login(input: $in) { token } }', { in: ADMIN });
  for (const [name, rating] of [['Meadow Friends', 'G'], ['Midnight Carnage', 'R']]) {
    const { createTitle } = await gql(
      'mutation($in: CreateTitleInput!) { createTitle(input: $in) { id } }',
      { in: { kind: 'MOVIE', name, maturityRating: rating, genres: ['Adventure'], synopsis: `${name}, an adventure` } },
      login.token,
    );
    titles[name] = createTitle.id;
  }
  const deadline = Date.now() + 30_000;
  while ((await gql('{ search(query: "adventure") { totalCount } }', {}, login.token)).search.totalCount < 2) {
    assert.ok(Date.now() < deadline, 'the titles were not indexed in time');
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a Kids profile sees no adult title, and leaving it takes the PIN', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await withScreenshotOnFailure(t, page, () => journey(page));
  await context.close();
});

async function journey(page) {
  const csp = [];
  watchCSP(page, csp);
  await page.goto(`${server.url}/login`);
  await new LoginPage(page).logIn(PARENT.email, PARENT.password);
  // One profile: the picker moves straight on to the home page.
  await page.waitForURL(`${server.url}/`);
  const header = new Header(page);

  // The parent adds a Kids profile and locks their own.
  await header.go('Account');
  const profiles = page.getByRole('region', { name: 'Profiles' });
  await profiles.getByRole('button', { name: 'Add a profile' }).click();
  const add = page.getByRole('form', { name: 'New profile' });
  await add.getByLabel('Name').fill('Robin');
  await add.getByLabel(/Kids profile/).check();
  await add.getByRole('button', { name: 'Add profile' }).click();
  await profiles.getByText('Robin').waitFor();
  await profiles.getByRole('button', { name: /^Edit parent/ }).click();
  const edit = page.getByRole('form', { name: /^Edit parent/ });
  await edit.getByLabel('PIN (optional)').fill('2468');
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.getByText('Enter the account password to change a PIN or parental controls.').waitFor();
  await edit.getByLabel('Account password').fill(PARENT.password);
  await edit.getByRole('button', { name: 'Save' }).click();
  await profiles.getByText('PIN locked').waitFor();
  await docShot(page, 'account-profiles');
  const a11y = await a11yViolations(page);

  // Who's watching? Robin, without a PIN.
  await page.getByRole('link', { name: /switch profile$/ }).click();
  await page.getByRole('heading', { name: 'Who’s watching?' }).waitFor();
  await docShot(page, 'profiles');
  await page.getByRole('button', { name: /Robin/ }).click();
  await page.getByRole('heading', { name: 'Hi, Robin!' }).waitFor();
  await docShot(page, 'kids-home');
  a11y.push(...(await a11yViolations(page)));
  assert.equal(await header.nav.getByRole('link', { name: 'Account', exact: true }).count(), 0, 'no account page on a Kids profile');

  // Search finds the children's film, not the adult one.
  await header.go('Search');
  const search = new SearchPage(page);
  await search.search('adventure');
  await search.result(/Meadow Friends/).waitFor();
  assert.equal(await search.results.getByRole('link', { name: /Midnight Carnage/ }).count(), 0);
  await search.search('carnage');
  await page.getByText('0 results').waitFor();
  // Nothing found: the page suggests genres instead, and they hold only what Robin may see.
  const suggestions = page.getByRole('region', { name: 'Suggestions' });
  await suggestions.getByText('Nothing matches').waitFor();
  await docShot(page, 'search-nothing');
  a11y.push(...(await a11yViolations(page)));
  await suggestions.getByRole('link', { name: 'Adventure' }).click();
  await page.getByRole('link', { name: /Meadow Friends/ }).waitFor();
  assert.equal(await page.getByRole('link', { name: /Midnight Carnage/ }).count(), 0);
  assert.equal(await page.title(), 'Adventure — Marquee');

  // Nor does its address open it.
  await page.goto(`${server.url}/title/${titles['Midnight Carnage']}`);
  await page.getByRole('heading', { name: 'Title not found' }).waitFor();

  // Back to the parent: the PIN is asked for, a wrong one refused.
  await page.getByRole('link', { name: /switch profile$/ }).click();
  await page.getByRole('button', { name: /parent/ }).click();
  const pin = page.getByRole('form', { name: /PIN for parent/ });
  await pin.getByLabel(/Enter the PIN/).fill('1111');
  await pin.getByRole('button', { name: 'Continue' }).click();
  await pin.getByRole('alert').waitFor();
  await docShot(page, 'profiles-pin');
  a11y.push(...(await a11yViolations(page)));
  await pin.getByLabel(/Enter the PIN/).fill('2468');
  await pin.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}/title/${titles['Midnight Carnage']}`);
  await page.getByRole('heading', { name: 'Midnight Carnage' }).waitFor();
  assert.deepEqual(csp, []);
  assert.deepEqual(a11y, [], 'no serious or critical accessibility violation (axe-core)');
}
