// The offline demo: the emulator on a corpus, ingested with the offline embedder, and the people who ask.
export { checkDemoChoices, checkDemoPerson, checkDemoTenant } from "./demo-choices.js";
export {
  type Company,
  type DemoDirectory,
  loadDemoDirectory,
  type Person,
  tenantOfPerson,
} from "./people.js";
export { type DemoQuestion, type DemoQuestions, loadDemoQuestions } from "./questions.js";
export { renderDemo } from "./render.js";
export {
  DEFAULT_DEMO_QUESTIONS,
  type DemoAnswer,
  type DemoAsker,
  type DemoCompanyResult,
  type DemoCrossCompany,
  type DemoResult,
  type RunDemoOptions,
  runDemo,
} from "./run-demo.js";
export { type Demo, type StartDemoOptions, startDemo } from "./start-demo.js";
