// Empties dist/ except the committed .gitkeep, which lets `go build` embed the folder
// before the web app has ever been built.
import { readdirSync, rmSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
for (const name of readdirSync(dist)) {
  if (name !== '.gitkeep') rmSync(new URL(name, dist), { recursive: true, force: true });
}
