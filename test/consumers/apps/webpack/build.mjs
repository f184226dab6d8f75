// The shop's build: `webpack` with the config beside this file (no loaders, no Vitrine-specific settings).
import { copyFileSync } from 'node:fs';
import webpack from 'webpack';
import config from './webpack.config.mjs';

const stats = await new Promise((resolve, reject) => webpack(config, (error, result) => (error ? reject(error) : resolve(result))));
if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
copyFileSync(new URL('./index.html', import.meta.url), new URL('./dist/index.html', import.meta.url));
