// The developer's first steps: open the explorer on a fresh install and sign up, ask who
// they are, and log out, all through GraphiQL in a real browser with the session cookie.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { docShot } from './artifacts.mjs';
import { a11yViolations, launch, watchCSP } from './browser.mjs';
import { startMarquee } from './server.mjs';

class PlaygroundPage {
  constructor(page) {
    this.page = page;
    this.execute = page.getByRole('button', { name: /execute query/i });
  }

  async open(baseURL) {
    await this.page.goto(`${baseURL}/playground`);
    await this.execute.waitFor();
    // GraphiQL loads its editors lazily, after the toolbar.
    await this.page.waitForFunction(() => document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror);
  }

  // Puts a named operation into the query editor the way a paste lands in CodeMirror, and
  // waits until GraphiQL has parsed it (the tab takes the operation's name); executing
  // before that would send the previous operation's name.
  async run(name, query) {
    await this.page.evaluate((q) => {
      document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q);
    }, query);
    await this.page.waitForFunction(
      (n) => [...document.querySelectorAll('.graphiql-tab')].some((t) => t.textContent.trim() === n),
      name,
    );
    const previous = await this.result();
    await this.execute.click();
    await this.page.waitForFunction((prev) => {
      const cm = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
      const v = cm?.getValue() ?? '';
      return v.trim().startsWith('{') && v !== prev;
    }, previous);
    return JSON.parse(await this.result());
  }

  result() {
    return this.page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror?.getValue() ?? '');
  }
}

let server;
let browser;
const violations = [];

afterEach(() => {
  assert.deepEqual(violations.splice(0), [], 'nothing breaks the Content-Security-Policy');
});

before(async () => {
  server = await startMarquee();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the explorer loads offline and runs signup, me and logout with the cookie', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watchCSP(page, violations);
  const external = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(server.url) && !req.url().startsWith('data:')) external.push(req.url());
  });
  const pg = new PlaygroundPage(page);
  await pg.open(server.url);

  const signup = await pg.run('Signup', `mutation Signup {
    signup(input: {email: "dev@example.com", password: "correct horse battery", name: "Dev", country: "NL"}) {
      user { email country }
    }
  }`);
  assert.ok(signup.data, JSON.stringify(signup));
  assert.deepEqual(signup.data.signup.user, { email: 'dev@example.com', country: 'NL' });

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'marquee_session');
  assert.ok(session, 'signup sets the session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');

  const me = await pg.run('Me', 'query Me { me { email name } }');
  assert.deepEqual(me.data.me, { email: 'dev@example.com', name: 'Dev' });
  // A query and its answer on screen: no serious or critical finding.
  assert.deepEqual(await a11yViolations(page), [], 'the explorer passes axe-core');
  await docShot(page, 'explorer');

  const logout = await pg.run('Logout', 'mutation Logout { logout }');
  assert.equal(logout.data.logout, true);

  const after = await pg.run('MeAgain', 'query MeAgain { me { email } }');
  assert.equal(after.data.me, null);

  const bad = await pg.run('BadSignup', `mutation BadSignup {
    signup(input: {email: "not-an-email", password: "correct horse battery", name: "X", country: "NL"}) { token }
  }`);
  assert.equal(bad.errors[0].extensions.code, 'BAD_USER_INPUT');
  assert.equal(bad.errors[0].extensions.field, 'email');

  assert.deepEqual(external, [], 'the explorer loads nothing from other hosts');
  await context.close();
});

test('visitors land on a page that offers sign up and log in', async () => {
  const page = await browser.newPage();
  watchCSP(page, violations);
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Marquee' }).waitFor();
  assert.deepEqual(await a11yViolations(page), [], 'the landing page passes axe-core');
  assert.equal(await page.getByRole('link', { name: 'Sign up' }).count(), 1);
  assert.equal(await page.getByRole('link', { name: 'Log in' }).count(), 1);
  await page.close();
});
