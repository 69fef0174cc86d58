// Lint of the web client's scripts (signaling/web/app/js) and of these tests: ESLint's
// recommended rules, browser globals for the page, node's for the tests, plus a few that catch
// what review kept finding in this code: unused values, == instead of ===, var, shadowed names.
import js from '@eslint/js';
import globals from 'globals';

const rules = {
    ...js.configs.recommended.rules,
    'eqeqeq': ['error', 'always'],
    'no-var': 'error',
    'prefer-const': 'error',
    'no-shadow': 'error',
    'no-unused-vars': ['error', {args: 'after-used', caughtErrors: 'none'}],
    'no-implicit-globals': 'error',
};

export default [
    {
        files: ['signaling/web/app/js/**/*.js'],
        languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: globals.browser},
        rules,
    },
    {
        files: ['tests/web/**/*.js'],
        ignores: ['tests/web/node_modules/**'],
        languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: globals.node},
        rules,
    },
];
