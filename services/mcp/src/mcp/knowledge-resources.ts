import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { KnowledgeBase } from "../knowledge/knowledge-base";

/** Knowledge-base documents as MCP resources `kb://documents/{documentId}` (Markdown, chunks in order). */
export function registerKnowledgeResources(server: McpServer, knowledge: KnowledgeBase): void {
  server.registerResource(
    "knowledge-document",
    new ResourceTemplate("kb://documents/{documentId}", {
      list: async () => ({
        resources: knowledge.documents().map((document) => ({
          uri: `kb://documents/${document.documentId}`,
          name: document.title,
          description: `${document.source} (${document.chunks} chunks)`,
          mimeType: "text/markdown",
        })),
      }),
    }),
    {
      title: "Knowledge-base document",
      description: "A document ingested into the knowledge base",
      mimeType: "text/markdown",
    },
    async (uri, variables) => {
      const documentId = String(variables.documentId);
      const chunks = knowledge.document(documentId);
      if (!chunks) throw new Error(`no knowledge-base document ${documentId}`);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: "text/markdown",
            // Chunks overlap by a few tokens; they are shown as stored, separated by rules.
            text: chunks.map((chunk) => chunk.text).join("\n\n---\n\n"),
          },
        ],
      };
    },
  );
}
