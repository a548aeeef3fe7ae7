/* The customer chat widget (frontend/widget) is built in its own issue; this placeholder is served meanwhile. */
