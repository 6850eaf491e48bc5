// The site's two editions: the English pages at the top of site/ and the
// Simplified Chinese ones under site/zh-CN/, with the same file names. Each
// edition has its own folder, language tag and the words of the site's own
// frame (navigation, index, glossary, search); the lessons' words come from
// the notebooks of notebooks/ and notebooks/zh-CN/.

import { escapeHtml } from "./html.mjs";

const english = {
  lang: "en",
  dir: "",
  name: "English",
  words: {
    allLessons: "All lessons",
    glossary: "Glossary",
    search: "Search",
    explorer: "Explorer",
    place: (number, position, count) => `Lesson ${number}, ${position} of ${count}`,
    lessonsNav: "lessons",
    lessonsNavEnd: "lessons (end of page)",
    siteNav: "site",
    searchLessons: "Search the lessons",
    searchButton: "Search",
    tryIt: "Try this lesson's cases in the explorer:",
    viewLabel: "a view of the lesson",
    checkCode: "The check's code (it holds the answer: open it once you have tried)",
    otherEditionMissing: "中文版：本课尚未翻译",
    indexTitle: "kube-iptables-lab: the lessons",
    indexLead: "How a Kubernetes Service forwards traffic through iptables, rule by rule, from one real node's rules: the lessons, executed, and an explorer to ask your own questions.",
    indexExplorer: (href) => `<a href="${href}"><strong>The explorer</strong></a>: ask your own question in this browser, with nothing installed. Pick a bundled example (the wordpress node in 2018 and today, scaled, with traffic policies) or open your own <code>iptables-save</code> output with your node's <code>ip -j addr</code> and <code>ip -j route</code>, choose a client and a destination, and see every rule the connection meets, its exact chances, marks, NAT, what the server sees and the reply, or play connections over time against session affinity. Your dump never leaves your machine.`,
    indexCaption: "The lessons, in order: each asks one question of the wordpress node's rules and ends with an exercise you can check",
    indexColumns: ["#", "lesson, and the question it answers", "needs", "length"],
    minutes: (n) => `${n} min`,
    notExecuted: "(not executed)",
    ranWithErrors: "(ran with errors)",
    notTranslated: "(not yet translated)",
    builtFrom: (date) => `Built ${escapeHtml(date)} from the notebooks in <code>notebooks/</code>; these pages open from disk and load nothing from the network.`,
    glossaryTitle: "Glossary · kube-iptables-lab",
    glossaryLead: "The words the lessons use, in one place, with the Chinese edition's term beside each. Each lesson links a term here the first time it uses it.",
    searchTitle: "Search · kube-iptables-lab",
    searchHeading: "Search the lessons",
    searchWords: "Words to find",
    searchNoScript: `Search needs JavaScript; the <a href="index.html">list of lessons</a> and the <a href="glossary.html">glossary</a> do not.`,
    // search.js fills in {n} (how many) and {q} (the query).
    searchStatus: {
      empty: "Type one or more words: every section that holds all of them is listed.",
      none: "Nothing found for \u201c{q}\u201d.",
      one: "1 section found for \u201c{q}\u201d.",
      many: "{n} sections found for \u201c{q}\u201d.",
      loose: " No section holds the words as written; these hold each of their parts.",
    },
  },
};

const chinese = {
  lang: "zh-CN",
  dir: "zh-CN",
  name: "中文",
  words: {
    allLessons: "全部课程",
    glossary: "术语表",
    search: "搜索",
    explorer: "探索器",
    place: (number, position, count) => `第 ${number} 课（全系列 ${count} 课中的第 ${position} 课）`,
    lessonsNav: "课程导航",
    lessonsNavEnd: "课程导航（页末）",
    siteNav: "网站导航",
    searchLessons: "搜索课程",
    searchButton: "搜索",
    tryIt: "在探索器中试一试本课的例子：",
    viewLabel: "本课的一个视图",
    checkCode: "检查答案的代码（其中写着答案：先自己做，再展开）",
    otherEditionMissing: "English",
    indexTitle: "kube-iptables-lab：课程目录",
    indexLead: "从一个真实节点的规则出发，一条一条地看 Kubernetes Service 怎样通过 iptables 转发流量：这里是已经执行过的全部课程，还有一个可以自己提问的探索器。",
    indexExplorer: (href) => `<a href="${href}"><strong>探索器</strong></a>：不用安装任何东西，直接在浏览器里提出自己的问题。选择一个自带的示例（2018 年和今天的 wordpress 节点、扩容之后的节点、各种流量策略），或者打开你自己的 <code>iptables-save</code> 输出，再加上节点上 <code>ip -j addr</code> 和 <code>ip -j route</code> 的输出，选定客户端和目的地址，就能看到连接经过的每一条规则、确切的概率、标记、地址转换、服务端看到的地址以及回包，还可以按时间排出一串连接，看会话亲和性怎样起作用。你的 dump 不会离开你的电脑。`,
    indexCaption: "按顺序排列的课程：每一课都向 wordpress 节点的规则提一个问题，最后有一道可以自己检查答案的练习",
    indexColumns: ["#", "课程，以及它回答的问题", "先修", "时长"],
    minutes: (n) => `${n} 分钟`,
    notExecuted: "（未执行）",
    ranWithErrors: "（执行时出错）",
    notTranslated: "（尚未翻译，请先读英文版）",
    builtFrom: (date) => `由 <code>notebooks/zh-CN/</code> 中的 notebook 生成于 ${escapeHtml(date)}；这些页面可以直接从磁盘打开，不从网络加载任何内容。`,
    glossaryTitle: "术语表 · kube-iptables-lab",
    glossaryLead: "课程中用到的术语，集中在这里，每条都附有英文原词。每一课第一次用到某个术语时，都会链接到这里。",
    searchTitle: "搜索 · kube-iptables-lab",
    searchHeading: "搜索课程",
    searchWords: "要找的词",
    searchNoScript: `搜索需要 JavaScript；<a href="index.html">课程目录</a>和<a href="glossary.html">术语表</a>不需要。`,
    searchStatus: {
      empty: "输入一个或几个词（用空格分开）：列出包含全部这些词的小节。",
      none: "没有找到“{q}”。",
      one: "“{q}”：找到 1 个小节。",
      many: "“{q}”：找到 {n} 个小节。",
      loose: "没有小节包含与查询完全相同的写法；下面的小节包含查询中的每一个部分。",
    },
  },
};

/** The editions, English first. */
export const EDITIONS = [english, chinese];

/** The edition of a language tag ("en", "zh-CN"). */
export function editionOf(lang) {
  const found = EDITIONS.find((e) => e.lang === lang);
  if (!found) throw new Error(`no site edition for language "${lang}"`);
  return found;
}

/** The edition a page's language switch leads to. */
export function otherEdition(edition) {
  return edition.lang === "en" ? chinese : english;
}

/** The path from an edition's folder back to the top of site/ ("" or "../"). */
export function toSiteRoot(edition) {
  return edition.dir ? "../" : "";
}

/** The path from `from`'s folder to a page of the edition `to`. */
export function pageHref(from, to, page) {
  return `${toSiteRoot(from)}${to.dir ? `${to.dir}/` : ""}${page}`;
}

/** The <link> of a page's head naming the same page in the other language, for browsers and search engines. */
export function alternateLink(edition, href) {
  const other = otherEdition(edition);
  return `<link rel="alternate" hreflang="${other.lang}" href="${escapeHtml(href)}">`;
}

/** The language switch: a link to the same page in the other edition (`href`), as a whole HTML element. */
export function languageSwitch(edition, href, missing = false) {
  const other = otherEdition(edition);
  const text = missing ? edition.words.otherEditionMissing : other.name;
  const rel = missing ? "" : ` rel="alternate"`;
  return `<a class="kil-lang" href="${escapeHtml(href)}" hreflang="${other.lang}" lang="${other.lang}"${rel}>${escapeHtml(text)}</a>`;
}
