"""flex-pre-agent's policy pack: `pulumi preview --policy-pack policy` (rules in ``flex_policies``)."""
