export { type DemoQuestion, type DemoQuestions, loadDemoQuestions } from "./questions.js";
export { renderDemo } from "./render.js";
export {
  DEFAULT_DEMO_QUESTIONS,
  type DemoAnswer,
  type DemoAsker,
  type DemoOptions,
  type DemoResult,
  runDemo,
} from "./run-demo.js";
