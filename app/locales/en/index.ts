/** The en catalogs, one namespace per feature (see utils/i18n.ts). */
import campaigns from "./campaigns.json";
import common from "./common.json";
import customers from "./customers.json";
import execution from "./execution.json";
import invitations from "./invitations.json";
import desk from "./desk.json";
import invite from "./invite.json";
import noShows from "./noShows.json";
import reviewLift from "./reviewLift.json";
import leads from "./leads.json";

export const catalog = { common, customers, campaigns, invitations, execution, invite, reviewLift, noShows, desk, leads };
