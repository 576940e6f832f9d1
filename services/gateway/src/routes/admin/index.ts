import type { Route } from "../route";
import { KEY_ROUTES } from "./keys";
import { SPEND_ROUTES } from "./spend";
import { TEAM_ROUTES } from "./teams";

export const ADMIN_ROUTES: readonly Route[] = [...KEY_ROUTES, ...TEAM_ROUTES, ...SPEND_ROUTES];
