# The engine's image: one build, two roles (worker and bridge), chosen by the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    BRIDGE_HOST=0.0.0.0
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The bridge's webhook spool ({DATA_DIR}/webhook-spool): owned by node, so a volume mounted there is writable.
RUN mkdir -p /app/.data/webhook-spool && chown -R node:node /app/.data
USER node
EXPOSE 3000
CMD ["node", "dist/workers/worker.js"]
