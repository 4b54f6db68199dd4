# Fargate Chat image: build with the full toolchain, ship only the self-contained Nitro output.
# Official Node images through the ECR Public mirror (no Docker Hub pull limits in CodeBuild).
ARG NODE_IMAGE=public.ecr.aws/docker/library/node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The whole source first: the postinstall step (`nuxt prepare`) reads the app's config and folders.
# .dockerignore keeps node_modules, build output and local data out of the context.
COPY . .
RUN npm ci --no-audit --no-fund \
 && npx nuxt build

FROM ${NODE_IMAGE} AS runtime
# npm, npx, corepack and yarn are not needed to run the server: fewer files, fewer CVEs to scan.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
# Only the build output; it bundles or traces every runtime dependency (the dev-only dynalite and
# its native LevelDB are never loaded in production). Owned by root: the app cannot change its code.
COPY --from=build /app/.output ./.output
# The one writable place: the task mounts task storage at /tmp over a read-only root file system.
# Fargate creates that bind mount root-owned 0755 (not writable by uid 1000) unless the image
# declares the path as a VOLUME, whose permissions it then copies (ECS docs, "Use bind mounts"):
# so /tmp is world-writable with the sticky bit here, and declared.
RUN mkdir -p /tmp && chmod 1777 /tmp
VOLUME ["/tmp"]
# The unprivileged user of the official Node images (uid 1000).
USER node
EXPOSE 3000
# Used by `docker run` and local checks; on ECS the task definition's health check and the target
# group's check on the same route apply. No curl in slim images: Node's fetch does it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", ".output/server/index.mjs"]
