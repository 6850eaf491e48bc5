/** The bundled examples (data/NAME/iptables-save.txt), and the node description (data/NODE/node.json) each is read with. */
export const LESSON_EXAMPLES: Readonly<Record<string, string>> = {
  wordpress: "wordpress",
  "wordpress-today": "wordpress-today",
  "wordpress-scaled": "wordpress",
  "policies-today": "policies-today",
  "link-scope-today": "link-scope-today",
};
