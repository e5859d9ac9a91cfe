// The design system's components (accordions, menus); a file, not inline, for the CSP.
DKFDS.init();
