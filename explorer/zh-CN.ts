/**
 * The Chinese of the explorer's own messages that the library's phrasebook (lib/i18n/zh-CN.ts)
 * does not hold: added to it by the page and by its worker (addPhrases), so both speak the page's
 * language. `{}` stands for a value (an address, a count, a name), kept as it is.
 */
export const EXPLORER_ZH_CN: Record<string, string> = {
  // presets.ts
  "{} (does not apply here)": "{}（这里不适用）",
  "{}, in the cluster CIDR {} outside this node's pod CIDR {}": "{}，在集群 CIDR {} 之内、本节点的 Pod CIDR {} 之外",
  // the page's own parts (all but presets.ts and worker.ts): the Service picker, the form's and the link's problems, the link to the question, loading and progress
  "{} of {} Service ports match; the first {} are listed, type more to narrow them.": "有 {} 个 Service 端口符合（共 {} 个）；只列出前 {} 个，多输入一些可以缩小范围。",
  "{} of {} Service ports.": "{} 个 Service 端口（共 {} 个）。",
  "{} (not an interface of this node)": "{}（不是这个节点的网卡）",
  "choose a client: its source address (IP or IP:PORT)": "请选择客户端：它的源地址（IP 或 IP:PORT）",
  "choose a destination: IP:PORT": "请选择目的地址：IP:PORT",
  "source '{}': expected IP or IP:PORT": "源地址 '{}'：应为 IP 或 IP:PORT",
  "destination '{}': expected IP:PORT": "目的地址 '{}'：应为 IP:PORT",
  "this link was written in format v={}; this page reads v={} and uses what it understands": "这个链接按 v={} 格式写成；本页面读取 v={} 格式，只使用它能理解的部分",
  "proto={}: expected tcp, udp or sctp": "proto={}：应为 tcp、udp 或 sctp",
  "dump={}: no such bundled example (there are {})": "dump={}：没有这个自带的示例（现有 {}）",
  "load a dump without errors first (section 1)": "请先载入一份没有错误的 dump（第 1 部分）",
  "choose or load a node description first (section 2)": "请先选择或载入节点描述（第 2 部分）",
  "time: expected a number of seconds, 0 or more": "时刻：应为 0 或更大的秒数",
  "unexpected answer": "意外的回答",
  "{} (your own dump is not in the link: whoever opens it must load it too)": "{}（你自己的 dump 不在链接里：打开链接的人也要自己载入它）",
  "the errors and warnings, each with its line": "错误和警告，各附出错的那一行",
  "The box is empty: paste the output of iptables-save (or iptables-legacy-save) into it first.": "文本框是空的：请先把 iptables-save（或 iptables-legacy-save）的输出粘贴进去。",
  "loading the example {}": "正在载入示例 {}",
  "loading {}": "正在载入 {}",
  // worker.ts: its progress and the affinity timeline
  "decoding {} ({})": "正在解码 {}（{}）",
  "reading the dump": "正在读取 dump",
  "parsing {} ({})": "正在解析 {}（{}）",

  "finding the Services in {} rules": "正在从 {} 条规则中找出 Service",
  "Each connection in time order: the endpoint the seeded draw chose, its chance given the lists at that moment, and the recent lists after it":
    "按时间顺序的每个连接：带种子的随机抽取选中的端点、按当时的列表它被选中的概率，以及之后的 recent 列表",
  "time (s)": "时刻（秒）",
  "t={}s": "t={} 秒",
  connection: "连接",
  "went to": "去向",
  "chance then": "当时的概率",
  "recent lists after": "之后的 recent 列表",
  "{} of {} possible": "{}（共 {} 种可能）",
  empty: "空",
  "The recent lists at t={}s": "t={} 秒时的 recent 列表",
};

/**
 * Templates only the explorer fills in itself (sizes.ts), added with `sentences: false`: "{} characters"
 * tried against a whole sentence would half-translate a message that ends in "… 256 characters".
 */
export const EXPLORER_TEMPLATES_ZH_CN: Record<string, string> = {
  "{} character": "{} 个字符",
  "{} characters": "{} 个字符",
  "{} thousand characters": "{} 千个字符",
  "{} million characters": "{} 百万个字符",
  "{} byte": "{} 字节",
  "{} bytes": "{} 字节",
};
