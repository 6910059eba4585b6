// BUILD_DIR lets parallel test runs build into their own folder; by default the server
// build is build/index.js and the browser assets public/build/.
const dir = process.env.BUILD_DIR;

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  serverBuildPath: dir ? `${dir}/index.js` : "build/index.js",
  assetsBuildDirectory: dir ? `${dir}/assets` : "public/build",
  publicPath: "/build/",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
};
