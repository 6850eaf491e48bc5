/**
 * The bundled dumps and nodes as text, put into the worker's
 * script at build time (a page opened from disk cannot fetch the files
 * beside it).
 */
import wordpressDump from "../data/wordpress/iptables-save.txt?raw";
import wordpressTodayDump from "../data/wordpress-today/iptables-save.txt?raw";
import wordpressScaledDump from "../data/wordpress-scaled/iptables-save.txt?raw";
import policiesTodayDump from "../data/policies-today/iptables-save.txt?raw";
import linkScopeDump from "../data/link-scope-today/iptables-save.txt?raw";
import wordpressNode from "../data/wordpress/node.json?raw";
import wordpressTodayNode from "../data/wordpress-today/node.json?raw";
import policiesTodayNode from "../data/policies-today/node.json?raw";
import linkScopeNode from "../data/link-scope-today/node.json?raw";

/** Dump text by example id. */
export const DUMP_TEXT: Record<string, string> = {
  wordpress: wordpressDump,
  "wordpress-today": wordpressTodayDump,
  "wordpress-scaled": wordpressScaledDump,
  "policies-today": policiesTodayDump,
  "link-scope-today": linkScopeDump,
};

/** Node description JSON text by node id. */
export const NODE_TEXT: Record<string, string> = {
  wordpress: wordpressNode,
  "wordpress-today": wordpressTodayNode,
  "policies-today": policiesTodayNode,
  "link-scope-today": linkScopeNode,
};
