/**
 * The library's own phrasebook in Simplified Chinese: every label, column
 * header, legend, caption and message the views and the lesson helpers
 * write, keyed by the English text (`{}` holds a value the code fills in).
 * Terms follow notebooks/zh-CN/README.md (kubernetes.io/zh-cn's usage:
 * Service, Pod, Endpoint stay in English). Rule text, chain names and
 * addresses never pass through here: they stay as the dump has them.
 */
export const ZH_CN: Readonly<Record<string, string>> = {
  // lib/lessons: exercises
  "{}. {}": "{}。{}",
  "Not answered yet: replace null with your answer and run the cell again.": "还没有作答：把 null 换成你的答案，再运行这个单元格。",
  "Right. {}": "答对了。{}",
  "Not quite.": "还不对。",
  "Hint:": "提示：",
  "The answer (open it once you have tried)": "答案（先自己试一试，再展开）",
};
