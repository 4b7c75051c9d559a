/** `mlbom card`: model and dataset card drafts from a CycloneDX BOM. */
export { buildCardContexts, selectContexts, parseBomJson, cardKind, hubIdFromPurl, type CardContext } from './context.js';
export { frontMatter, frontMatterText, hubLicense, isPipelineTag } from './frontmatter.js';
export { completeness, templateContext, renderCard, loadTemplate, defaultTemplatePath, type TemplateContext, type SectionScore } from './render.js';
export { safeFileNames } from './names.js';
