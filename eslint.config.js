import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".ci/cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["log", "error"] }],
      // Detecting control characters in user input is the point of several patterns.
      "no-control-regex": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: { "no-console": "error" },
  },
);
