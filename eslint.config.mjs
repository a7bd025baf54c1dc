import nx from "@nx/eslint-plugin";

export default [
    ...nx.configs["flat/base"],
    ...nx.configs["flat/typescript"],
    ...nx.configs["flat/javascript"],
    {
        ignores: [
            "**/dist",
            "**/out-tsc",
            "**/jest.config.cts",
            ".kafka/**",
            "data/**"
        ]
    },
    {
        files: [
            "**/*.ts",
            "**/*.tsx",
            "**/*.js",
            "**/*.jsx"
        ],
        rules: {
            "@nx/enforce-module-boundaries": [
                "error",
                {
                    enforceBuildableLibDependency: true,
                    allow: [
                        "^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$",
                        // The apps' webpack configs share one factory (build tooling, not a project's code).
                        "^.*/tools/webpack/node-app\\.config$"
                    ],
                    // Layers, each importing only itself and the layers before it: contract -> domain -> io -> flow -> app.
                    // contract: the event types (libs/events). domain: rules and simulation over events, no I/O.
                    // io: storage, Kafka, platform (config, health, metrics). flow: the paths that combine them (ingest,
                    // reporting). Apps wire flows; nothing imports an app.
                    depConstraints: [
                        { sourceTag: "layer:contract", onlyDependOnLibsWithTags: ["layer:contract"] },
                        { sourceTag: "layer:domain", onlyDependOnLibsWithTags: ["layer:contract", "layer:domain"] },
                        { sourceTag: "layer:io", onlyDependOnLibsWithTags: ["layer:contract", "layer:domain", "layer:io"] },
                        { sourceTag: "layer:flow", onlyDependOnLibsWithTags: ["layer:contract", "layer:domain", "layer:io", "layer:flow"] },
                        { sourceTag: "type:app", onlyDependOnLibsWithTags: ["layer:contract", "layer:domain", "layer:io", "layer:flow"] },
                        { sourceTag: "type:e2e", onlyDependOnLibsWithTags: ["layer:contract", "layer:domain", "layer:io", "layer:flow"] }
                    ]
                }
            ]
        }
    },
    {
        files: [
            "**/*.ts",
            "**/*.tsx",
            "**/*.cts",
            "**/*.mts",
            "**/*.js",
            "**/*.jsx",
            "**/*.cjs",
            "**/*.mjs"
        ],
        // Override or add rules here
        rules: {}
    }
];
