// The pack only assembles rules: constructing a PolicyPack starts the policy server, so tests
// import the rules from ./rules instead of this file.
import { PolicyPack } from "@pulumi/policy";
import { toPolicies } from "../lib/to-policies";
import { costRules } from "./rules";

new PolicyPack("ai-platform-cost", { policies: toPolicies(costRules) });
