// Keeps the go tool out of node_modules (some packages ship .go files):
// a go.mod makes it a module of its own, which ./... of FastSim skips.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../node_modules/go.mod', import.meta.url), 'module fastsim.invalid/node_modules\n');
