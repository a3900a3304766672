/**
 * The conversation-model registry: every file in `sim/world/conversations/` that exports a
 * `definition` is a conversation model (helpers such as `message-mix.ts` export none and
 * are skipped). Adding a model means adding one file; no engine code lists them.
 * Definitions are loaded once, sorted by name.
 *
 * @example
 * const messaging = await getConversationModel("messaging");
 * const model = messaging.create(messaging.schema.parse({}), stream(seed, "conversations/messaging"));
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConversationModelDefinition } from "../conversation.ts";
import { registry } from "../../experiment/discover.ts";

const models = registry<ConversationModelDefinition>("conversation model", dirname(fileURLToPath(import.meta.url)), 0);

export const loadConversationModels = models.load;
export const getConversationModel = models.get;
