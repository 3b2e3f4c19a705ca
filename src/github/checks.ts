// Check runs: reading what another CI reported, and publishing our own.
export { listCheckRunAnnotations, CheckAnnotation, AnnotationLevel } from "./check-annotations.js";
export { publishCheckRun, CheckConclusion, ANNOTATIONS_PER_REQUEST, type PublishCheckRunParams } from "./check-run-publish.js";
